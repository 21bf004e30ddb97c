package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TestServer.CliRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mka1 generate --server-url}: the server's greedy answer, printed as text. */
class GenerateThroughServerTest {
    @TempDir
    Path dir;

    @Test
    void printsTheServersAnswer() {
        try (TestServer server = TestServer.start(dir, new ScriptedTrainer(2, 1, 10))) {
            CliRun run = server.cli(Map.of("MKA1_API_KEY", TestServer.USER_KEY), "generate", "--server-url",
                    server.root().toString(), "--model", "mka1:tiny", "--prompt", "Hi", "--max-tokens", "5");
            assertThat(run.exitCode()).as(run.err()).isZero();
            String expected = server.engine().responses().create(ResponseCreateParams.of("mka1:tiny", "Hi")
                    .withMaxOutputTokens(5).withTemperature(0.0)).outputText();
            assertThat(run.out()).isEqualTo(expected + "\n");
        }
    }
}
