package com.mka1.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.server.Mka1Server;
import com.mka1.server.testing.HttpTestClient;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** close(): stop accepting, let the request in flight finish, and only then close the engine. */
class GracefulShutdownTest {
    @Test
    void finishesTheRequestInFlightThenClosesTheEngine() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch inHandler = new CountDownLatch(1);
        Router router = new Router().get("/slow", Access.ANY_KEY, ex -> {
            inHandler.countDown();
            Thread.sleep(400);
            order.add("answered");
            ex.sendJson(200, "{\"done\":true}".getBytes(StandardCharsets.UTF_8));
        });
        Mka1Server server = Mka1Server.start("127.0.0.1", 0, ApiKeys.none(), router, f -> ApiError.internal(),
                new HttpLimits(1024, 1024), () -> order.add("engine closed"), 5);
        HttpTestClient http = new HttpTestClient(server.baseUri());
        CompletableFuture<HttpTestClient.Reply> inFlight = CompletableFuture.supplyAsync(() -> http.get("/v1/slow"));
        inHandler.await();
        server.close();
        order.add("close returned");

        HttpTestClient.Reply reply = inFlight.get();
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"done\":true}");
        assertThat(order).containsExactly("answered", "engine closed", "close returned");
        assertThatThrownBy(() -> new HttpTestClient(server.baseUri()).get("/health"))
                .isInstanceOf(UncheckedIOException.class);
    }
}
