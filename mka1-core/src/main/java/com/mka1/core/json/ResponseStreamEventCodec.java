package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.api.responses.ResponseStreamEvent.ContentPartAdded;
import com.mka1.api.responses.ResponseStreamEvent.ContentPartDone;
import com.mka1.api.responses.ResponseStreamEvent.Created;
import com.mka1.api.responses.ResponseStreamEvent.Error;
import com.mka1.api.responses.ResponseStreamEvent.Finished;
import com.mka1.api.responses.ResponseStreamEvent.FunctionCallArgumentsDelta;
import com.mka1.api.responses.ResponseStreamEvent.FunctionCallArgumentsDone;
import com.mka1.api.responses.ResponseStreamEvent.InProgress;
import com.mka1.api.responses.ResponseStreamEvent.OutputItemAdded;
import com.mka1.api.responses.ResponseStreamEvent.OutputItemDone;
import com.mka1.api.responses.ResponseStreamEvent.OutputTextDelta;
import com.mka1.api.responses.ResponseStreamEvent.OutputTextDone;
import java.io.IOException;

/** A Responses stream event: the {@code data:} payload of one SSE frame ({@code type}, {@code sequence_number}, ...). */
public final class ResponseStreamEventCodec implements JsonCodec<ResponseStreamEvent> {
    public static final ResponseStreamEventCodec INSTANCE = new ResponseStreamEventCodec();

    private ResponseStreamEventCodec() {}

    @Override
    public void write(JsonGenerator g, ResponseStreamEvent event) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", event.type());
        g.writeNumberField("sequence_number", event.sequenceNumber());
        switch (event) {
            case Created e -> response(g, e.response());
            case InProgress e -> response(g, e.response());
            case Finished e -> response(g, e.response());
            case OutputItemAdded e -> item(g, e.outputIndex(), e.item());
            case OutputItemDone e -> item(g, e.outputIndex(), e.item());
            case ContentPartAdded e -> {
                position(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeFieldName("part");
                OutputTextCodec.INSTANCE.write(g, e.part());
            }
            case ContentPartDone e -> {
                position(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeFieldName("part");
                OutputTextCodec.INSTANCE.write(g, e.part());
            }
            case OutputTextDelta e -> {
                position(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeStringField("delta", e.delta());
                ApiWriter.noLogprobs(g);
            }
            case OutputTextDone e -> {
                position(g, e.itemId(), e.outputIndex(), e.contentIndex());
                g.writeStringField("text", e.text());
                ApiWriter.noLogprobs(g);
            }
            case FunctionCallArgumentsDelta e -> {
                g.writeStringField("item_id", e.itemId());
                g.writeNumberField("output_index", e.outputIndex());
                g.writeStringField("delta", e.delta());
            }
            case FunctionCallArgumentsDone e -> {
                g.writeStringField("item_id", e.itemId());
                g.writeNumberField("output_index", e.outputIndex());
                g.writeStringField("name", e.name());
                g.writeStringField("arguments", e.arguments());
            }
            case Error e -> {
                g.writeStringField("code", e.code());
                g.writeStringField("message", e.message());
                ApiWriter.string(g, "param", e.param());
            }
        }
        g.writeEndObject();
    }

    private static void response(JsonGenerator g, com.mka1.api.responses.Response response) throws IOException {
        g.writeFieldName("response");
        ResponseCodec.INSTANCE.write(g, response);
    }

    private static void item(JsonGenerator g, int outputIndex, com.mka1.api.responses.OutputItem item) throws IOException {
        g.writeNumberField("output_index", outputIndex);
        g.writeFieldName("item");
        OutputItemCodec.INSTANCE.write(g, item);
    }

    private static void position(JsonGenerator g, String itemId, int outputIndex, int contentIndex) throws IOException {
        g.writeStringField("item_id", itemId);
        g.writeNumberField("output_index", outputIndex);
        g.writeNumberField("content_index", contentIndex);
    }

    @Override
    public ResponseStreamEvent read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        String type = r.requiredString("type");
        Integer seqValue = r.integer("sequence_number");
        int seq = seqValue == null ? 0 : seqValue;
        return switch (type) {
            case "response.created" -> new Created(seq, ResponseCodec.INSTANCE.read(r.raw("response")));
            case "response.in_progress" -> new InProgress(seq, ResponseCodec.INSTANCE.read(r.raw("response")));
            case "response.completed", "response.incomplete", "response.failed" ->
                    new Finished(seq, ResponseCodec.INSTANCE.read(r.raw("response")));
            case "response.output_item.added" -> new OutputItemAdded(seq, r.integer("output_index"), OutputItemCodec.INSTANCE.read(r.raw("item")));
            case "response.output_item.done" -> new OutputItemDone(seq, r.integer("output_index"), OutputItemCodec.INSTANCE.read(r.raw("item")));
            case "response.content_part.added" -> new ContentPartAdded(seq, r.requiredString("item_id"), r.integer("output_index"),
                    r.integer("content_index"), OutputTextCodec.INSTANCE.read(r.raw("part")));
            case "response.content_part.done" -> new ContentPartDone(seq, r.requiredString("item_id"), r.integer("output_index"),
                    r.integer("content_index"), OutputTextCodec.INSTANCE.read(r.raw("part")));
            case "response.output_text.delta" -> new OutputTextDelta(seq, r.requiredString("item_id"), r.integer("output_index"),
                    r.integer("content_index"), r.requiredString("delta"));
            case "response.output_text.done" -> new OutputTextDone(seq, r.requiredString("item_id"), r.integer("output_index"),
                    r.integer("content_index"), r.requiredString("text"));
            case "response.function_call_arguments.delta" -> new FunctionCallArgumentsDelta(seq, r.requiredString("item_id"),
                    r.integer("output_index"), r.requiredString("delta"));
            case "response.function_call_arguments.done" -> new FunctionCallArgumentsDone(seq, r.requiredString("item_id"),
                    r.integer("output_index"), r.string("name"), r.requiredString("arguments"));
            case "error" -> new Error(seq, r.requiredString("code"), r.requiredString("message"), r.string("param"));
            default -> throw new InvalidRequestException("Unknown stream event type '" + type + "'.", "type", "invalid_value");
        };
    }
}
