package com.mka1.server.api;

import com.mka1.api.Caller;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseService;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.core.json.DeletedCodec;
import com.mka1.core.json.Json;
import com.mka1.core.json.ResponseCodec;
import com.mka1.core.json.ResponseCreateParamsCodec;
import com.mka1.core.json.ResponseStreamEventCodec;
import com.mka1.server.http.Access;
import com.mka1.server.http.ApiError;
import com.mka1.server.http.ApiExchange;
import com.mka1.server.http.DeferredSse;
import com.mka1.server.http.HeartbeatJson;
import com.mka1.server.http.Router;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;

/**
 * {@code /responses}: create (whole, or as Server-Sent Events with {@code "stream": true}),
 * retrieve and delete. A request refused before the first event gets an ordinary JSON error; a failure after
 * the stream has started is sent as an {@code error} event.
 */
final class ResponsesEndpoints {
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private final Function<Caller, ResponseService> responses;

    ResponsesEndpoints(Function<Caller, ResponseService> responses) {
        this.responses = responses;
    }

    void mount(Router router) {
        router.post("/responses", Access.ANY_KEY, this::create)
                .get("/responses/{response_id}", Access.ANY_KEY, ex -> ex.sendJson(200, Json.writeBytes(
                        ResponseCodec.INSTANCE, responses.apply(Callers.of(ex)).retrieve(ex.pathParam("response_id")))))
                .delete("/responses/{response_id}", Access.ANY_KEY, ex -> ex.sendJson(200, Json.writeBytes(
                        DeletedCodec.RESPONSE, responses.apply(Callers.of(ex)).delete(ex.pathParam("response_id")))));
    }

    private void create(ApiExchange ex) throws IOException {
        ResponseCreateParams params = ResponseCreateParamsCodec.INSTANCE.read(Json.parse(ex.jsonBody()));
        ResponseService service = responses.apply(Callers.of(ex));
        if (!params.stream()) {
            // Generation runs as a stream inside, so a client that hangs up stops it (and frees the model).
            HeartbeatJson answer = new HeartbeatJson(ex, HEARTBEAT);
            Response response = service.createStreaming(params, event -> answer.beat());
            answer.send(Json.writeBytes(ResponseCodec.INSTANCE, response));
            return;
        }
        try (DeferredSse sse = new DeferredSse(ex)) {
            int[] lastSequence = {-1};
            try {
                service.createStreaming(params, event -> {
                    lastSequence[0] = event.sequenceNumber();
                    send(sse, event);
                });
            } catch (RuntimeException failure) {
                if (!sse.started()) {
                    throw failure; // nothing sent yet: an ordinary error answer
                }
                ApiError error = new ApiErrors().toApiError(failure);
                send(sse, new ResponseStreamEvent.Error(lastSequence[0] + 1,
                        error.code() == null ? error.type() : error.code(), error.message(), error.param()));
                if (error.status() >= 500) {
                    throw failure;
                }
            }
        }
    }

    private static void send(DeferredSse sse, ResponseStreamEvent event) {
        sse.event(event.type(), Json.write(ResponseStreamEventCodec.INSTANCE, event));
    }
}
