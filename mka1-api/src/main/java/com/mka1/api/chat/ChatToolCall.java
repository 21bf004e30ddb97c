package com.mka1.api.chat;

import java.util.Objects;

/**
 * A tool call of an assistant chat message: {@code {"id", "type": "function", "function": {"name", "arguments"}}};
 * in a streamed chunk it carries its {@code index} in the message's calls.
 *
 * @param index     position among the message's calls
 * @param id        {@code call_} + 32 hex
 * @param name      the function called
 * @param arguments the arguments as a JSON text
 */
public record ChatToolCall(int index, String id, String name, String arguments) {
    public ChatToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
