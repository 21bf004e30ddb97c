package com.mka1.server.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.json.MalformedJsonException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * JSON at the command line's edges, in the engine's one tree ({@link JsonValue}, read and written
 * by {@link Json}): flags that take JSON, with errors naming the flag; answers pretty-printed.
 */
final class JsonText {
    private JsonText() {}

    /** Parses one JSON value; {@link CliException} names {@code what} when the text is not JSON. */
    static JsonValue parse(String text, String what) {
        if (text.isBlank()) {
            throw new CliException(what + " is empty; expected JSON");
        }
        try {
            return Json.parse(text);
        } catch (MalformedJsonException e) {
            throw new CliException(what + " is not valid JSON: " + e.getMessage());
        }
    }

    /** Parses a JSON object, as {@code --body} must be. */
    static JsonValue.Obj parseObject(String text, String what) {
        if (parse(text, what) instanceof JsonValue.Obj object) {
            return object;
        }
        throw new CliException(what + " must be a JSON object");
    }

    /** Compact JSON text of a value. */
    static String write(JsonValue value) {
        return Json.write(Json.VALUE, value);
    }

    /** Re-indents JSON text (two spaces, one field per line); text that is not JSON is returned as is. */
    static String pretty(String json) {
        StringWriter out = new StringWriter();
        try (JsonParser parser = Json.factory().createParser(json);
             JsonGenerator g = Json.factory().createGenerator(out)) {
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                    .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
            g.setPrettyPrinter(printer);
            if (parser.nextToken() == null) {
                return json;
            }
            g.copyCurrentStructure(parser);
        } catch (JsonProcessingException e) {
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
