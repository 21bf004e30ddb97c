package com.mka1.api.responses;

import java.util.List;
import java.util.Objects;

/**
 * An output item of type {@code message}: the assistant's answer.
 *
 * @param id      {@code msg_} + 32 hex
 * @param status  completed, incomplete or in_progress
 * @param role    always "assistant"
 * @param content output_text parts (one part for generated text; none while streaming starts)
 */
public record OutputMessage(String id, ResponseStatus status, String role, List<OutputText> content) implements OutputItem {
    public OutputMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(role, "role");
        content = List.copyOf(content);
    }

    @Override
    public String type() {
        return "message";
    }

    /** All text parts concatenated. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        content.forEach(part -> sb.append(part.text()));
        return sb.toString();
    }
}
