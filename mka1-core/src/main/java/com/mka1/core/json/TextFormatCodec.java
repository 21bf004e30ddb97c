package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.TextFormat;
import java.io.IOException;
import java.util.regex.Pattern;

import static com.mka1.core.json.GenerationFields.invalid;

/**
 * The output format in both of its wire forms: a Responses {@code text: {format: {type, name,
 * description, schema, strict}}} and a Chat Completions {@code response_format: {type, json_schema:
 * {name, description, schema, strict}}}. Reading checks the shape (the schema itself is checked
 * when it is compiled); absent means free text.
 */
public final class TextFormatCodec {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private TextFormatCodec() {}

    /** {@code text.format} of a Responses request or response. */
    public static TextFormat readText(FieldReader request) {
        FieldReader text = request.child("text");
        FieldReader format = text == null ? null : text.child("format");
        return format == null ? TextFormat.TEXT : read(format, format);
    }

    /** {@code response_format} of a chat request. */
    public static TextFormat readResponseFormat(FieldReader request) {
        FieldReader format = request.child("response_format");
        if (format == null) {
            return TextFormat.TEXT;
        }
        FieldReader schema = "json_schema".equals(format.string("type")) ? format.child("json_schema") : format;
        if (schema == null) {
            throw FieldReader.missing(format.at("json_schema"));
        }
        return read(format, schema);
    }

    /** {@code type} read from {@code format}, the schema's fields from {@code fields}. */
    private static TextFormat read(FieldReader format, FieldReader fields) {
        String type = format.requiredString("type");
        return switch (type) {
            case "text" -> TextFormat.TEXT;
            case "json_object" -> new TextFormat.JsonObject();
            case "json_schema" -> {
                String name = fields.requiredString("name");
                if (!NAME.matcher(name).matches()) {
                    throw invalid(fields.at("name"), "must be 1 to 64 letters, digits, '_' or '-', got '" + name + "'");
                }
                JsonValue schema = fields.raw("schema");
                if (schema == null) {
                    throw FieldReader.missing(fields.at("schema"));
                }
                if (!(schema instanceof JsonValue.Obj)) {
                    throw FieldReader.typeError(fields.at("schema"), "an object", schema);
                }
                yield new TextFormat.JsonSchema(name, fields.string("description"), schema, fields.bool("strict"));
            }
            default -> throw invalid(format.at("type"), "must be one of text, json_object, json_schema; got '" + type + "'");
        };
    }

    /** The field {@code text: {"format": {...}}} as a response echoes it and a Responses request sends it. */
    public static void writeText(JsonGenerator g, TextFormat format) throws IOException {
        g.writeObjectFieldStart("text");
        g.writeObjectFieldStart("format");
        g.writeStringField("type", format.type());
        if (format instanceof TextFormat.JsonSchema s) {
            writeSchemaFields(g, s);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The field {@code response_format} of a chat request (nothing for free text). */
    public static void writeResponseFormat(JsonGenerator g, TextFormat format) throws IOException {
        if (format instanceof TextFormat.Text) {
            return;
        }
        g.writeObjectFieldStart("response_format");
        g.writeStringField("type", format.type());
        if (format instanceof TextFormat.JsonSchema s) {
            g.writeObjectFieldStart("json_schema");
            writeSchemaFields(g, s);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeSchemaFields(JsonGenerator g, TextFormat.JsonSchema s) throws IOException {
        g.writeStringField("name", s.name());
        if (s.description() != null) {
            g.writeStringField("description", s.description());
        }
        g.writeFieldName("schema");
        Json.writeValue(g, s.schema());
        g.writeBooleanField("strict", s.strict() != null && s.strict());
    }
}
