package com.mka1.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A JSON answer to a long computation that notices when its client hangs up. Until the
 * computation has run for one interval nothing is sent (a quick answer, or an error, goes out
 * as usual); after that the answer starts (200, chunked) and each {@link #beat} at most once an
 * interval writes a space, which JSON allows before a value. A write that fails means the client
 * is gone: {@link #beat} throws, and the computation calling it stops.
 */
public final class HeartbeatJson {
    private final ApiExchange exchange;
    private final long intervalNanos;
    private final long startedAt = System.nanoTime();
    private long lastBeat;
    private OutputStream out;

    public HeartbeatJson(ApiExchange exchange, Duration interval) {
        this.exchange = exchange;
        this.intervalNanos = interval.toNanos();
    }

    /** Called as the computation progresses; throws {@link UncheckedIOException} once the client is gone. */
    public void beat() {
        long now = System.nanoTime();
        if (now - (out == null ? startedAt : lastBeat) < intervalNanos) return;
        try {
            if (out == null) out = exchange.startJson(200);
            out.write(' ');
            out.flush();
            lastBeat = now;
        } catch (IOException clientGone) {
            throw new UncheckedIOException("the client closed the connection", clientGone);
        }
    }

    /** Whether the 200 has started (nothing else can be answered then). */
    public boolean started() {
        return out != null;
    }

    /** Sends the answer: whole when nothing was sent yet, else as the rest of the started 200. */
    public void send(byte[] json) throws IOException {
        if (out == null) {
            exchange.sendJson(200, json);
            return;
        }
        try (OutputStream body = out) {
            body.write(json);
        }
    }
}
