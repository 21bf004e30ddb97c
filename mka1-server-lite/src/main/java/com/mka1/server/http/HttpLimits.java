package com.mka1.server.http;

/** Size limits on request bodies: JSON bodies are read into memory, uploads are streamed to disk. */
public record HttpLimits(long maxJsonBodyBytes, long maxUploadBytes) {
    public HttpLimits {
        if (maxJsonBodyBytes <= 0 || maxUploadBytes <= 0) {
            throw new IllegalArgumentException("body limits must be positive");
        }
        if (maxJsonBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxJsonBodyBytes must fit in memory: " + maxJsonBodyBytes);
        }
    }
}
