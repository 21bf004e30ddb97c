package com.mka1.core.inference;

import com.mka1.api.responses.InputItem;
import com.mka1.api.responses.Response;
import java.util.List;
import java.util.Objects;

/**
 * A stored response with what is needed to continue it: the end user it belongs to and the whole
 * conversation it answered (instructions excluded), so {@code previous_response_id} can extend it.
 */
public record StoredResponse(String endUserId, List<InputItem> conversation, Response response) {
    public StoredResponse {
        conversation = List.copyOf(conversation);
        Objects.requireNonNull(response, "response");
    }
}
