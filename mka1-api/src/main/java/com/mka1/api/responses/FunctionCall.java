package com.mka1.api.responses;

import java.util.Objects;

/**
 * A call of a function tool: an output item the model produced, or an input item that replays one
 * ({@code {"type": "function_call", "id", "call_id", "name", "arguments", "status"}}).
 *
 * @param id        {@code fc_} + 32 hex; may be null in an input item
 * @param callId    {@code call_} + 32 hex: what the {@link FunctionCallOutput} answering it names
 * @param name      the function called
 * @param arguments the arguments as a JSON text
 * @param status    completed, or in_progress while streaming; may be null in an input item
 */
public record FunctionCall(String id, String callId, String name, String arguments, ResponseStatus status)
        implements OutputItem, InputItem {
    public FunctionCall {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }

    @Override
    public String type() {
        return "function_call";
    }
}
