package com.mka1.api.responses;

import java.util.Objects;

/** Why a response is {@code incomplete}; the reason in use is {@code max_output_tokens}. */
public record IncompleteDetails(String reason) {
    public static final IncompleteDetails MAX_OUTPUT_TOKENS = new IncompleteDetails("max_output_tokens");

    public IncompleteDetails {
        Objects.requireNonNull(reason, "reason");
    }
}
