package com.mka1.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events answer: {@code event: <type>\ndata: <payload>\n\n} frames, each flushed as
 * soon as it is written. Multi-line payloads become one {@code data:} line per line.
 */
public final class SseStream implements AutoCloseable {
    private final OutputStream out;

    SseStream(OutputStream out) {
        this.out = out;
    }

    /** A named event ({@code event:} line, then data). */
    public void event(String type, String payload) throws IOException {
        write("event: " + type + "\n" + dataLines(payload) + "\n");
    }

    /** A data-only event, as chat completion chunks and the final {@code [DONE]} are sent. */
    public void data(String payload) throws IOException {
        write(dataLines(payload) + "\n");
    }

    private static String dataLines(String payload) {
        StringBuilder lines = new StringBuilder();
        for (String line : payload.split("\r\n|\r|\n", -1)) {
            lines.append("data: ").append(line).append('\n');
        }
        return lines.toString();
    }

    private void write(String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
