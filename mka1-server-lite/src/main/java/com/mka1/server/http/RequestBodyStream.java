package com.mka1.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body whose framing errors are the client's: the JDK's decoder throws an
 * {@link IOException} for a malformed chunked body ("Bad chunk header"), which would otherwise
 * surface as a 500. Any failure to read the body becomes a 400 ({@code invalid_body}); if the
 * client is gone, nobody reads that answer anyway.
 */
final class RequestBodyStream extends FilterInputStream {
    RequestBodyStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static HttpProblem unreadable(IOException e) {
        return new HttpProblem(ApiError.badRequest("Could not read the request body: " + e.getMessage(), null, "invalid_body"));
    }
}
