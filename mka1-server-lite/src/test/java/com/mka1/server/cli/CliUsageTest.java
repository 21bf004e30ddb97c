package com.mka1.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a newcomer meets first: help text, switches, required flags, defaults and plain error messages. */
class CliUsageTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(CommandRegistry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void switchesNeedNoValueAndAcceptAnExplicitOne() {
        Options alone = Options.parse(List.of("--stream", "--limit", "3"), Set.of("stream"));
        assertThat(alone.bool("stream")).isTrue();
        assertThat(alone.integer("limit")).isEqualTo(3);
        assertThat(Options.parse(List.of("--stream=false"), Set.of("stream")).bool("stream")).isFalse();
        assertThat(Options.parse(List.of("--stream", "false"), Set.of("stream")).bool("stream")).isFalse();
        assertThat(Options.parse(List.of(), Set.of("stream")).bool("stream")).isFalse();
        assertThatThrownBy(() -> Options.parse(List.of("--stream=maybe"), Set.of("stream")).bool("stream"))
                .hasMessage("--stream is a switch: give it alone, or as --stream=true or --stream=false, not 'maybe'");
    }

    @Test
    void helpMarksRequiredFlagsAndServeHelpListsDefaultsAndKeys() {
        Run upload = run(Map.of(), "llm", "files", "upload", "--help");
        assertThat(upload.out()).startsWith("Usage: mka1 llm files upload --file F [--purpose P]\n")
                .contains("--purpose defaults to fine-tune").contains("Flags outside [ ] are required.");
        assertThat(run(Map.of(), "llm", "responses", "create", "--help").out()).contains("[--stream]");
        Run serve = run(Map.of(), "serve", "--help");
        assertThat(serve.code()).isZero();
        assertThat(serve.out()).contains("--port                    MKA1_PORT                    8080")
                .contains("MKA1_API_KEYS=\"sk-a:admin,sk-b:user\"").contains("--host                    MKA1_HOST                    127.0.0.1");

        Run missing = run(Map.of(), "llm", "files", "upload", "--purpose", "fine-tune");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("mka1 llm files upload: --file is required\n"
                + "Run 'mka1 llm files upload --help' for its flags.\n");
    }

    @Test
    void errorsAreWordsNotJavaClassNames() {
        assertThat(Cli.describe(new NoSuchFileException("/tmp/x.jsonl"))).isEqualTo("no such file: /tmp/x.jsonl");
        assertThat(Cli.describe(new UncheckedIOException(new NoSuchFileException("a")))).isEqualTo("no such file: a");
        assertThat(Cli.describe(new UncheckedIOException("cannot read the models", new NoSuchFileException("m"))))
                .isEqualTo("cannot read the models: no such file: m");
        assertThat(Cli.describe(new RuntimeException(new java.io.IOException("disk full")))).isEqualTo("disk full");
        assertThat(Cli.describe(new IllegalStateException())).isEqualTo("an unexpected error with no message (see the log)");
        assertThat(Cli.describe(new IllegalStateException("the model is gone"))).isEqualTo("the model is gone");

        Run generate = run(Map.of("MKA1_DATA_DIR", dir.toString()), "generate", "--model", dir.resolve("nope").toString(),
                "--prompt", "Hi");
        assertThat(generate.code()).isNotZero();
        assertThat(generate.err()).startsWith("mka1 generate: ").doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]\\w*(Exception|Error)");
    }

    @Test
    void theDemoChecksItsFlagsBeforeDoingAnything() {
        Run epochs = run(Map.of(), "demo", "--epochs", "0", "--data-dir", dir.resolve("demo").toString());
        assertThat(epochs.code()).isEqualTo(2);
        assertThat(epochs.err()).startsWith("mka1 demo: --epochs must be from 1 to 50, got 0\n");
        Run backend = run(Map.of(), "demo", "--backend", "abacus", "--data-dir", dir.resolve("demo").toString());
        assertThat(backend.code()).isEqualTo(2);
        assertThat(backend.err()).startsWith("mka1 demo: unknown compute backend 'abacus'; installed: ");
        Run model = run(Map.of(), "demo", "--model", "acme:none", "--data-dir", dir.resolve("demo").toString(),
                "--models-dir", dir.resolve("models").toString());
        assertThat(model.code()).isEqualTo(2);
        assertThat(model.err()).startsWith("mka1 demo: no model 'acme:none' in " + dir.resolve("models"));
        assertThat(dir.resolve("demo")).doesNotExist();
    }

    @Test
    void generateWithTheEmbeddedModelNeedsNoServerRunFirst() {
        Map<String, String> env = Map.of("MKA1_DATA_DIR", dir.resolve("fresh").toString());
        Run first = run(env, "generate", "--model", "mka1:tiny", "--prompt", "Once upon a time", "--max-tokens", "4",
                "--backend", "reference", "--print-ids");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).matches("\\d+(,\\d+){3}\n");
        assertThat(dir.resolve("fresh/models/mka1/tiny/model.safetensors")).exists();
        assertThat(run(env, "generate", "--model", "mka1:tiny", "--prompt", "Once upon a time", "--max-tokens", "4",
                "--backend", "reference", "--print-ids=true").out()).isEqualTo(first.out());
    }

    @Test
    void aPortInUseIsNamedAndUploadsDefaultToFineTune() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServeCommand serve = new ServeCommand(() -> new ScriptedTrainer(1, 0, 1));
            assertThatThrownBy(() -> serve.start(new CommandContext(Options.parse(List.of("--port",
                    String.valueOf(taken.getLocalPort()), "--data-dir", dir.resolve("d").toString())), System.out, System.err,
                    Map.of())))
                    .isInstanceOf(CliException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (")
                    .hasMessageEndingWith("another process holds that port; choose another with --port or MKA1_PORT");
        }
        try (TestServer server = TestServer.start(dir.resolve("server"), new ScriptedTrainer(1, 0, 1))) {
            Path train = TrainingData.writeChatFile(dir, "train.jsonl", 10);
            TestServer.CliRun upload = server.cli("llm", "files", "upload", "--file", train.toString());
            assertThat(upload.exitCode()).as(upload.err()).isZero();
            assertThat(PlainJson.parseObject(upload.out(), "file")).containsEntry("purpose", "fine-tune")
                    .containsEntry("bytes", (int) Files.size(train));
        }
    }
}
