package com.mka1.server.api;

import com.mka1.api.Caller;
import com.mka1.api.JsonValue;
import com.mka1.api.ServerException;
import com.mka1.api.chat.ChatCompletion;
import com.mka1.api.chat.ChatCompletionChunk;
import com.mka1.api.chat.ChatToolCall;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.OutputItem;
import java.util.ArrayList;
import java.util.List;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseService;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.core.inference.constrained.StructuredOutputs;
import com.mka1.core.json.ChatCompletionChunkCodec;
import com.mka1.core.json.ChatCompletionCodec;
import com.mka1.core.json.ChatCompletionRequestCodec;
import com.mka1.core.json.Json;
import com.mka1.server.http.HeartbeatJson;
import com.mka1.server.http.Access;
import com.mka1.server.http.ApiError;
import com.mka1.server.http.ApiExchange;
import com.mka1.server.http.Router;
import com.mka1.server.http.DeferredSse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * {@code POST /chat/completions} for clients that speak only that: the request is read as the
 * Responses request that serves it, the answer written as a {@code chat.completion} (function calls
 * as the message's {@code tool_calls}, finish reason {@code tool_calls}); with {@code stream} each
 * whole call is one {@code tool_calls} delta with its {@code index}, and the text deltas become {@code chat.completion.chunk} data lines, then (with
 * {@code stream_options.include_usage}) a usage chunk without choices, and a final {@code [DONE]}. A generation that fails is a 500 error answer, or in a stream an {@code error}
 * data line before {@code [DONE]}.
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
        JsonValue body = Json.parse(ex.jsonBody());
        ResponseCreateParams params = ChatCompletionRequestCodec.INSTANCE.read(body);
        StructuredOutputs.grammar(params.text(), "response_format.json_schema.schema"); // refused under the chat field's name
        boolean includeUsage = ChatCompletionRequestCodec.includeUsage(body);
        ResponseService service = responses.apply(Callers.of(ex));
        String id = "chatcmpl_" + randomHex();
        long created = System.currentTimeMillis() / 1000;
        if (!params.stream()) {
            // generated as a stream inside, so a client that hangs up stops it (and frees the model)
            HeartbeatJson answer = new HeartbeatJson(ex, ResponsesEndpoints.HEARTBEAT);
            Response r = service.createStreaming(params, event -> answer.beat());
            if (r.status() == ResponseStatus.FAILED) {
                ServerException failure = new ServerException(r.error().message(), null, r.error().code());
                if (!answer.started()) throw failure; // a chat completion has no failed form: a 500
                // the 200 has begun (a long generation): the error envelope is its body
                answer.send(new ApiErrors().toApiError(failure).toJson());
                return;
            }
            int prompt = r.usage() == null ? 0 : r.usage().inputTokens();
            int completion = r.usage() == null ? 0 : r.usage().outputTokens();
            List<ChatToolCall> calls = toolCalls(r);
            String content = calls.isEmpty() || !r.outputText().isEmpty() ? r.outputText() : null;
            answer.send(Json.writeBytes(ChatCompletionCodec.INSTANCE, new ChatCompletion(id, created, r.model(),
                    content, calls, finishReason(r), prompt, completion)));
            return;
        }
        String model = params.model();
        try (DeferredSse sse = new DeferredSse(ex)) {
            boolean[] first = {true};
            int[] calls = {0};
            try {
                service.createStreaming(params, event -> {
                    if (first[0]) {
                        first[0] = false;
                        send(sse, new ChatCompletionChunk(id, created, model, "assistant", "", null));
                    }
                    switch (event) {
                        case ResponseStreamEvent.OutputTextDelta delta ->
                                send(sse, new ChatCompletionChunk(id, created, model, null, delta.delta(), null));
                        case ResponseStreamEvent.OutputItemDone done when done.item() instanceof FunctionCall call ->
                                send(sse, new ChatCompletionChunk(id, created, model, null, null, List.of(new ChatToolCall(
                                        calls[0]++, call.callId(), call.name(), call.arguments())), null, null));
                        case ResponseStreamEvent.Error error -> sse.data(new String(new ApiErrors().toApiError(
                                new ServerException(error.message(), error.param(), error.code())).toJson(), StandardCharsets.UTF_8));
                        case ResponseStreamEvent.Finished finished when finished.response().status() == ResponseStatus.FAILED -> {
                            // the error line above said why; there is no finish_reason for a failure
                        }
                        case ResponseStreamEvent.Finished finished -> {
                            Response r = finished.response();
                            send(sse, new ChatCompletionChunk(id, created, model, null, null, finishReason(r)));
                            if (includeUsage && r.usage() != null) {
                                send(sse, ChatCompletionChunk.usage(id, created, model, r.usage().inputTokens(),
                                        r.usage().outputTokens()));
                            }
                        }
                        default -> {
                            // the other Responses events have no chat-completions counterpart
                        }
                    }
                });
            } catch (RuntimeException failure) {
                if (!sse.started()) {
                    throw failure; // nothing sent yet: an ordinary error answer
                }
                ApiError error = new ApiErrors().toApiError(failure);
                sse.data(new String(error.toJson(), StandardCharsets.UTF_8));
                if (error.status() >= 500) {
                    throw failure;
                }
            }
            sse.data("[DONE]");
        }
    }

    private static String finishReason(Response response) {
        if (response.status() == ResponseStatus.INCOMPLETE) {
            return "length";
        }
        return toolCalls(response).isEmpty() ? "stop" : "tool_calls";
    }

    /** The response's function calls as the assistant message's tool_calls. */
    private static List<ChatToolCall> toolCalls(Response response) {
        List<ChatToolCall> calls = new ArrayList<>();
        for (OutputItem item : response.output()) {
            if (item instanceof FunctionCall call) {
                calls.add(new ChatToolCall(calls.size(), call.callId(), call.name(), call.arguments()));
            }
        }
        return calls;
    }

    private static void send(DeferredSse sse, ChatCompletionChunk chunk) {
        sse.data(Json.write(ChatCompletionChunkCodec.INSTANCE, chunk));
    }

    private static String randomHex() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
