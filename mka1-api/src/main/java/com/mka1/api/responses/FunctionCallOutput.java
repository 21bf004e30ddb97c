package com.mka1.api.responses;

import java.util.Objects;

/**
 * An input item giving the result of a function call back to the model:
 * {@code {"type": "function_call_output", "call_id", "output"}}.
 *
 * @param callId the {@link FunctionCall#callId()} answered
 * @param output the result, as text (usually JSON)
 */
public record FunctionCallOutput(String callId, String output) implements InputItem {
    public FunctionCallOutput {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(output, "output");
    }
}
