package com.mka1.server.api;

import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseDeleted;
import com.mka1.api.responses.ResponseService;
import com.mka1.api.responses.ResponseStreamEvent;
import java.util.function.Consumer;

/** The real service, whose generation fails at its first text delta (the callback runs inside generation). */
record FailingAtFirstDelta(ResponseService real) implements ResponseService {
    @Override
    public Response create(ResponseCreateParams params) {
        return createStreaming(params, event -> {});
    }

    @Override
    public Response createStreaming(ResponseCreateParams params, Consumer<ResponseStreamEvent> events) {
        return real.createStreaming(params, event -> {
            events.accept(event);
            if (event instanceof ResponseStreamEvent.OutputTextDelta) throw new IllegalStateException("device lost");
        });
    }

    @Override
    public Response retrieve(String responseId) {
        return real.retrieve(responseId);
    }

    @Override
    public ResponseDeleted delete(String responseId) {
        return real.delete(responseId);
    }
}
