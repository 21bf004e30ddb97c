package com.mka1.server.api;

import com.mka1.api.Caller;
import com.mka1.server.http.ApiExchange;

/** The facade's view of a request: the end user named by X-On-Behalf-Of, whatever the key's role. */
final class Callers {
    private Callers() {}

    static Caller of(ApiExchange exchange) {
        return Caller.onBehalfOf(exchange.principal().onBehalfOf());
    }
}
