package com.mka1.server.api;

import com.mka1.server.http.Principal;
import com.mka1.server.http.Access;
import com.mka1.server.http.ApiExchange;
import com.mka1.server.http.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * {@code GET /whoami} (an MKA1 extension): the role of the calling key, its fingerprint and the
 * end user the call acts for, as the server understood them.
 */
final class WhoamiEndpoint {
    private WhoamiEndpoint() {}

    static void mount(Router router) {
        router.get("/whoami", Access.ANY_KEY, WhoamiEndpoint::answer);
    }

    private static void answer(ApiExchange ex) throws IOException {
        Principal principal = ex.principal();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = com.mka1.core.json.Json.factory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "whoami");
            g.writeStringField("role", principal.role().name().toLowerCase(Locale.ROOT));
            g.writeStringField("key", principal.keyFingerprint());
            g.writeStringField("on_behalf_of", principal.onBehalfOf());
            g.writeBooleanField("fine_tuning_allowed", principal.isAdmin());
            g.writeEndObject();
        }
        ex.sendJson(200, out.toByteArray());
    }
}
