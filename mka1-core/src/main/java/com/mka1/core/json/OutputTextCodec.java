package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.OutputText;
import java.io.IOException;

/** {@code {"type": "output_text", "text", "annotations": [], "logprobs": []}}. */
public final class OutputTextCodec implements JsonCodec<OutputText> {
    public static final OutputTextCodec INSTANCE = new OutputTextCodec();

    private OutputTextCodec() {}

    @Override
    public void write(JsonGenerator g, OutputText part) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "output_text");
        g.writeStringField("text", part.text());
        g.writeArrayFieldStart("annotations");
        g.writeEndArray();
        ApiWriter.noLogprobs(g);
        g.writeEndObject();
    }

    @Override
    public OutputText read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "part");
        String type = r.requiredString("type");
        if (!type.equals("output_text")) {
            throw new InvalidRequestException("Unsupported content part type '" + type + "'.", r.at("type"), "invalid_value");
        }
        return new OutputText(r.requiredString("text"));
    }
}
