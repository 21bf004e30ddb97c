package com.mka1.server.api;

import static com.mka1.server.testing.HttpTestClient.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.EmbeddedMka1;
import com.mka1.server.Mka1Server;
import com.mka1.server.http.ApiKeys;
import com.mka1.server.http.HttpLimits;
import com.mka1.server.http.Router;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.ScriptedTrainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation that fails mid-way reaches a chat client as a failure: a 500 error answer, or in a
 * stream an error line and no finish_reason, never an empty "stop" completion.
 */
class ChatCompletionFailureTest {
    private static final String KEY = "sk-user-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void aFailedGenerationIsAnErrorAnswerOrAnErrorLineBeforeDone() throws Exception {
        EmbeddedMka1 engine = EmbeddedMka1.builder().dataDir(dataDir).modelsDir(dataDir.resolve("models"))
                .trainer(new ScriptedTrainer(1, 0, 1)).build();
        Router router = new Router();
        new ChatCompletionsEndpoint(caller -> new FailingAtFirstDelta(engine.responses(caller))).mount(router);
        try (Mka1Server server = Mka1Server.start("127.0.0.1", 0, ApiKeys.parseList(KEY + ":user", "test"), router,
                new ApiErrors(), new HttpLimits(1 << 20, 1 << 20), engine, 1)) {
            HttpTestClient http = new HttpTestClient(server.baseUri());
            String request = "{\"model\":\"" + EmbeddedMka1.EMBEDDED_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"max_tokens\":4,\"temperature\":0";
            String error = envelope("generation failed: device lost", "server_error", null, "server_error");

            Reply whole = http.postJson("/v1/chat/completions", request + "}", "Authorization", "Bearer " + KEY);
            assertThat(whole.status()).isEqualTo(500);
            assertThat(whole.body()).isEqualTo(error);

            Reply streamed = http.postJson("/v1/chat/completions", request + ",\"stream\":true}", "Authorization", "Bearer " + KEY);
            List<String> data = Arrays.stream(streamed.body().split("\n\n")).map(frame -> frame.substring("data: ".length())).toList();
            assertThat(data).hasSize(4);
            assertThat(data.get(0)).contains("\"role\":\"assistant\"", "\"content\":\"\"", "\"finish_reason\":null");
            assertThat(data.get(1)).contains("\"object\":\"chat.completion.chunk\"").doesNotContain("\"finish_reason\":\"");
            assertThat(data.get(2)).isEqualTo(error);
            assertThat(data.get(3)).isEqualTo("[DONE]");
        }
    }
}
