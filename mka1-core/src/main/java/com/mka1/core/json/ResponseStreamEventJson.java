package com.mka1.core.json;

import static com.mka1.core.json.JsonTree.asObject;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.api.responses.ResponseStreamEvent.ContentPartAdded;
import com.mka1.api.responses.ResponseStreamEvent.ContentPartDone;
import com.mka1.api.responses.ResponseStreamEvent.Created;
import com.mka1.api.responses.ResponseStreamEvent.Error;
import com.mka1.api.responses.ResponseStreamEvent.Finished;
import com.mka1.api.responses.ResponseStreamEvent.InProgress;
import com.mka1.api.responses.ResponseStreamEvent.OutputItemAdded;
import com.mka1.api.responses.ResponseStreamEvent.OutputItemDone;
import com.mka1.api.responses.ResponseStreamEvent.OutputTextDelta;
import com.mka1.api.responses.ResponseStreamEvent.OutputTextDone;
import java.io.IOException;
import java.util.Map;

/** JSON codec of Responses stream events (the {@code data:} payload of each SSE event). */
@Deprecated(forRemoval = true) // interim helper until every caller uses ResponseStreamEventCodec
public final class ResponseStreamEventJson {
    private ResponseStreamEventJson() {}

    public static String toJson(ResponseStreamEvent event) {
        return JsonOutput.write(g -> write(g, event));
    }

    /** The SSE frame: {@code event: <type>\ndata: <json>\n\n}. */
    public static String toSse(ResponseStreamEvent event) {
        return "event: " + event.type() + "\ndata: " + toJson(event) + "\n\n";
    }

    public static void write(JsonGenerator g, ResponseStreamEvent event) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", event.type());
        g.writeNumberField("sequence_number", event.sequenceNumber());
        switch (event) {
            case Created e -> {
                g.writeFieldName("response");
                ResponseJson.write(g, e.response());
            }
            case InProgress e -> {
                g.writeFieldName("response");
                ResponseJson.write(g, e.response());
            }
            case Finished e -> {
                g.writeFieldName("response");
                ResponseJson.write(g, e.response());
            }
            case OutputItemAdded e -> {
                g.writeNumberField("output_index", e.outputIndex());
                g.writeFieldName("item");
                ResponseJson.writeItem(g, e.item());
            }
            case OutputItemDone e -> {
                g.writeNumberField("output_index", e.outputIndex());
                g.writeFieldName("item");
                ResponseJson.writeItem(g, e.item());
            }
            case ContentPartAdded e -> {
                partPosition(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeFieldName("part");
                ResponseJson.writePart(g, e.part());
            }
            case ContentPartDone e -> {
                partPosition(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeFieldName("part");
                ResponseJson.writePart(g, e.part());
            }
            case OutputTextDelta e -> {
                partPosition(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeStringField("delta", e.delta());
            }
            case OutputTextDone e -> {
                partPosition(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeStringField("text", e.text());
            }
            case Error e -> {
                g.writeStringField("code", e.code());
                g.writeStringField("message", e.message());
                JsonOutput.stringOrNull(g, "param", e.param());
            }
        }
        g.writeEndObject();
    }

    private static void partPosition(JsonGenerator g, String itemId, int outputIndex, int contentIndex) throws IOException {
        g.writeStringField("item_id", itemId);
        g.writeNumberField("output_index", outputIndex);
        g.writeNumberField("content_index", contentIndex);
    }

    public static ResponseStreamEvent fromJson(String json) {
        Map<String, Object> o = JsonTree.parseObject(json);
        String type = JsonTree.requiredString(o, "type");
        Integer seqValue = JsonTree.int32(o, "sequence_number");
        int seq = seqValue == null ? 0 : seqValue;
        return switch (type) {
            case "response.created" -> new Created(seq, response(o));
            case "response.in_progress" -> new InProgress(seq, response(o));
            case "response.completed", "response.incomplete", "response.failed" -> new Finished(seq, response(o));
            case "response.output_item.added" -> new OutputItemAdded(seq, index(o, "output_index"),
                    ResponseJson.readItem("item", asObject("item", o.get("item"))));
            case "response.output_item.done" -> new OutputItemDone(seq, index(o, "output_index"),
                    ResponseJson.readItem("item", asObject("item", o.get("item"))));
            case "response.content_part.added" -> new ContentPartAdded(seq, JsonTree.requiredString(o, "item_id"),
                    index(o, "output_index"), index(o, "content_index"), ResponseJson.readPart("part", asObject("part", o.get("part"))));
            case "response.content_part.done" -> new ContentPartDone(seq, JsonTree.requiredString(o, "item_id"),
                    index(o, "output_index"), index(o, "content_index"), ResponseJson.readPart("part", asObject("part", o.get("part"))));
            case "response.output_text.delta" -> new OutputTextDelta(seq, JsonTree.requiredString(o, "item_id"),
                    index(o, "output_index"), index(o, "content_index"), JsonTree.requiredString(o, "delta"));
            case "response.output_text.done" -> new OutputTextDone(seq, JsonTree.requiredString(o, "item_id"),
                    index(o, "output_index"), index(o, "content_index"), JsonTree.requiredString(o, "text"));
            case "error" -> new Error(seq, JsonTree.requiredString(o, "code"), JsonTree.requiredString(o, "message"),
                    JsonTree.string(o, "param"));
            default -> throw new JsonFieldException("type", "unknown stream event type '" + type + "'");
        };
    }

    private static com.mka1.api.responses.Response response(Map<String, Object> o) {
        return ResponseJson.read(asObject("response", o.get("response")));
    }

    private static int index(Map<String, Object> o, String field) {
        Integer v = JsonTree.int32(o, field);
        if (v == null) {
            throw new JsonFieldException(field, "is required");
        }
        return v;
    }
}
