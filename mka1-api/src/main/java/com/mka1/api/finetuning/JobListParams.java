package com.mka1.api.finetuning;

import com.mka1.api.InvalidRequestException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Filters and pagination for listing jobs (newest first).
 *
 * @param limit           1..100, or null for 20
 * @param after           id of the last job of the previous page, or null
 * @param metadata        every pair must match the job's metadata (query {@code metadata[KEY]=VALUE}); empty: no filter
 * @param withoutMetadata only jobs that have no metadata (query {@code metadata=null}); combined with
 *                        metadata filters it is an {@link InvalidRequestException} on {@code metadata}
 */
public record JobListParams(Integer limit, String after, Map<String, String> metadata, boolean withoutMetadata) {
    /** The first page of every job. */
    public static final JobListParams ALL = new JobListParams(null, null, Map.of(), false);

    public JobListParams {
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (withoutMetadata && !metadata.isEmpty()) {
            throw new InvalidRequestException("metadata=null cannot be combined with metadata[KEY] filters",
                    "metadata", "invalid_value");
        }
    }
}
