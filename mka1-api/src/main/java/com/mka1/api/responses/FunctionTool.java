package com.mka1.api.responses;

import com.mka1.api.JsonValue;
import java.util.Objects;

/**
 * A function the model may call: {@code {"type": "function", "name", "description", "parameters", "strict"}}.
 *
 * @param name        the function's name (what a {@link FunctionCall} names)
 * @param description what it does, shown to the model; may be null
 * @param parameters  the JSON Schema of its arguments (an empty object schema when the request gave none)
 * @param strict      whether the arguments must validate against {@code parameters} (enforced while decoding)
 */
public record FunctionTool(String name, String description, JsonValue parameters, boolean strict) {
    public FunctionTool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameters, "parameters");
    }
}
