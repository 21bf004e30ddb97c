package com.mka1.server.api;

import com.mka1.api.Caller;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseInput;
import com.mka1.api.responses.ResponseService;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.core.json.JsonFieldException;
import com.mka1.core.json.JsonOutput;
import com.mka1.core.json.JsonTree;
import com.mka1.core.json.ResponseCreateParamsJson;
import com.mka1.server.http.Access;
import com.mka1.server.http.ApiError;
import com.mka1.server.http.ApiExchange;
import com.mka1.server.http.Router;
import com.mka1.server.http.SseStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /chat/completions} for clients that speak only that: the request becomes a
 * Responses request (not stored), the answer a {@code chat.completion}; with {@code stream}
 * the text deltas become {@code chat.completion.chunk} data lines and a final {@code [DONE]}.
 */
final class ChatCompletionsEndpoint {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Function<Caller, ResponseService> responses;

    ChatCompletionsEndpoint(Function<Caller, ResponseService> responses) {
        this.responses = responses;
    }

    void mount(Router router) {
        router.post("/chat/completions", Access.ANY_KEY, this::create);
    }

    private void create(ApiExchange ex) throws IOException {
        Map<String, Object> body = JsonTree.parseObject(new String(ex.jsonBody(), StandardCharsets.UTF_8));
        ResponseCreateParams params = toResponseRequest(body);
        ResponseService service = responses.apply(Callers.of(ex));
        String id = "chatcmpl_" + randomHex();
        long created = System.currentTimeMillis() / 1000;
        if (!params.stream()) {
            Response response = service.create(params);
            ex.sendJson(200, ResponsesEndpoints.utf8(completion(id, created, response)));
            return;
        }
        try (SseStream sse = ex.startSse()) {
            send(sse, chunk(id, created, params.model(), "assistant", "", null));
            try {
                service.createStreaming(params, event -> {
                    switch (event) {
                        case ResponseStreamEvent.OutputTextDelta delta ->
                                send(sse, chunk(id, created, params.model(), null, delta.delta(), null));
                        case ResponseStreamEvent.Finished finished ->
                                send(sse, chunk(id, created, params.model(), null, null,
                                        finishReason(finished.response())));
                        default -> {
                            // the other Responses events have no chat-completions counterpart
                        }
                    }
                });
            } catch (RuntimeException failure) {
                ApiError error = new ApiErrors().toApiError(failure);
                send(sse, new String(error.toJson(), StandardCharsets.UTF_8));
                if (error.status() >= 500) {
                    throw failure;
                }
            }
            send(sse, "[DONE]");
        }
    }

    static ResponseCreateParams toResponseRequest(Map<String, Object> body) {
        String model = JsonTree.requiredString(body, "model");
        if (!(body.get("messages") instanceof List<?> raw) || raw.isEmpty()) {
            throw new JsonFieldException("messages", "is required and must be a non-empty list");
        }
        ResponseInput input = ResponseCreateParamsJson.readInput(raw);
        List<InputMessage> messages = input.messages();
        Integer maxTokens = JsonTree.int32(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = JsonTree.int32(body, "max_tokens");
        }
        Boolean stream = JsonTree.bool(body, "stream");
        return new ResponseCreateParams(model, ResponseInput.of(messages), null, maxTokens,
                JsonTree.number(body, "temperature"), JsonTree.number(body, "top_p"), stream != null && stream,
                Map.of(), false, null, JsonTree.string(body, "user"), JsonTree.integer(body, "seed"),
                JsonTree.stringOrStrings(body, "stop"));
    }

    private static String completion(String id, long created, Response response) {
        return JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", response.model());
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", response.outputText());
            g.writeEndObject();
            g.writeStringField("finish_reason", finishReason(response));
            g.writeEndObject();
            g.writeEndArray();
            g.writeObjectFieldStart("usage");
            int prompt = response.usage() == null ? 0 : response.usage().inputTokens();
            int completion = response.usage() == null ? 0 : response.usage().outputTokens();
            g.writeNumberField("prompt_tokens", prompt);
            g.writeNumberField("completion_tokens", completion);
            g.writeNumberField("total_tokens", prompt + completion);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** One chunk; the delta carries the role and/or content when given. */
    private static String chunk(String id, long created, String model, String role, String content,
                                String finishReason) {
        return JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion.chunk");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            if (role != null) {
                g.writeStringField("role", role);
            }
            if (content != null) {
                g.writeStringField("content", content);
            }
            g.writeEndObject();
            g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static String finishReason(Response response) {
        return response.status() == ResponseStatus.INCOMPLETE ? "length" : "stop";
    }

    private static void send(SseStream sse, String data) {
        try {
            sse.data(data);
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
    }

    private static String randomHex() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
