package com.mka1.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseDeleted;
import com.mka1.api.responses.ResponseService;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.core.EmbeddedMka1;
import com.mka1.server.Mka1Server;
import com.mka1.server.http.ApiKeys;
import com.mka1.server.http.HttpLimits;
import com.mka1.server.http.Router;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.ScriptedTrainer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole (not streamed) /responses or /chat/completions generation whose client hangs up stops, freeing the model
 * for the next request; one that takes longer than the heartbeat still answers a client that
 * waits, with the same JSON (after a few spaces).
 */
class ResponsesDisconnectTest {
    private static final String KEY = "sk-user-0123456789";

    @TempDir
    Path dataDir;

    /** The real service, slowed to 150 ms a generated token, counting the tokens generated. */
    private record Slow(ResponseService real, AtomicInteger deltas) implements ResponseService {
        @Override
        public Response create(ResponseCreateParams params) {
            return createStreaming(params, event -> {});
        }

        @Override
        public Response createStreaming(ResponseCreateParams params, Consumer<ResponseStreamEvent> events) {
            return real.createStreaming(params, event -> {
                if (event instanceof ResponseStreamEvent.OutputTextDelta) {
                    deltas.incrementAndGet();
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                events.accept(event);
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

    @Test
    void aGenerationWhoseClientHangsUpStops() throws Exception {
        hangUpThenAskAgain("/v1/responses", (router, service) -> new ResponsesEndpoints(service).mount(router),
                "{\"model\":\"" + EmbeddedMka1.EMBEDDED_MODEL + "\",\"input\":\"Hi\",\"max_output_tokens\":60,\"temperature\":0,"
                        + "\"store\":false}", "\"max_output_tokens\":", "{\"id\":\"resp_");
    }

    @Test
    void aChatCompletionWhoseClientHangsUpStops() throws Exception {
        hangUpThenAskAgain("/v1/chat/completions", (router, service) -> new ChatCompletionsEndpoint(service).mount(router),
                "{\"model\":\"" + EmbeddedMka1.EMBEDDED_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"max_tokens\":60,\"temperature\":0}", "\"max_tokens\":", "{\"id\":\"chatcmpl_");
    }

    /** The routes under test, over a service slowed down and counted as {@link Slow} does. */
    private interface Mount {
        void mount(Router router, java.util.function.Function<com.mka1.api.Caller, ResponseService> service);
    }

    private void hangUpThenAskAgain(String path, Mount mount, String body, String limitField, String answerStart)
            throws Exception {
        EmbeddedMka1 engine = EmbeddedMka1.builder().dataDir(dataDir).modelsDir(dataDir.resolve("models"))
                .trainer(new ScriptedTrainer(1, 0, 1)).build();
        AtomicInteger deltas = new AtomicInteger();
        Router router = new Router();
        mount.mount(router, caller -> new Slow(engine.responses(caller), deltas));
        try (Mka1Server server = Mka1Server.start("127.0.0.1", 0, ApiKeys.parseList(KEY + ":user", "test"), router,
                new ApiErrors(), new HttpLimits(1 << 20, 1 << 20), engine, 1)) {
            try (Socket socket = new Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(1_500);
            } // the client hangs up after about 10 of 60 tokens
            Thread.sleep(3_500); // the heartbeat finds it gone within two intervals
            int atStop = deltas.get();
            Thread.sleep(1_000);
            assertThat(deltas.get()).as("tokens generated after the client left").isEqualTo(atStop);
            assertThat(atStop).isLessThan(45);

            // The model is free again, and a waiting client of a long generation gets its JSON.
            Reply next = new HttpTestClient(server.baseUri()).postJson(path, body.replace(limitField + "60", limitField + "12"),
                    "Authorization", "Bearer " + KEY);
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).startsWith(" ");
            assertThat(next.body().strip()).startsWith(answerStart);
        }
    }
}
