package com.mka1.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An SSE answer that starts with its first event, so a request refused before anything was
 * generated still gets an ordinary JSON error with its status instead of a 200 stream.
 */
public final class DeferredSse implements AutoCloseable {
    private final ApiExchange exchange;
    private SseStream stream;

    public DeferredSse(ApiExchange exchange) {
        this.exchange = exchange;
    }

    public boolean started() {
        return stream != null;
    }

    /** Sends a named event, starting the stream if needed. */
    public void event(String type, String payload) {
        try {
            open().event(type, payload);
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
    }

    /** Sends a data-only event, starting the stream if needed. */
    public void data(String payload) {
        try {
            open().data(payload);
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
    }

    private SseStream open() throws IOException {
        if (stream == null) {
            stream = exchange.startSse();
        }
        return stream;
    }

    @Override
    public void close() throws IOException {
        if (stream != null) {
            stream.close();
        }
    }
}
