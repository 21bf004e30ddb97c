package com.mka1.server.http;

/** Serves one route. Anything it throws is turned into the error envelope by the dispatcher. */
@FunctionalInterface
public interface Handler {
    void handle(ApiExchange exchange) throws Exception;
}
