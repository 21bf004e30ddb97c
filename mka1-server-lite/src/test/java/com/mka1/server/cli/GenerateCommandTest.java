package com.mka1.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mka1 generate} in-process on stories260k against the PyTorch reference's greedy ids. */
class GenerateCommandTest {
    @TempDir
    Path data;

    private static Path shared() {
        String dir = System.getProperty("mka1.shared.dir", "../../shared");
        Path root = Path.of(dir);
        if (!Files.isDirectory(root.resolve("models/stories260k"))) {
            throw new IllegalStateException("../shared/models/stories260k not found at " + root.toAbsolutePath()
                    + "; it must sit beside the project root, or pass -Dmka1.shared.dir=DIR");
        }
        return root;
    }

    /** An int list field of the model helper's PyTorch fixture, as "a,b,c". */
    private static String fixtureList(String field) throws IOException {
        String json = Files.readString(Path.of("../mka1-core/src/test/resources/reference/stories260k.json"));
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\\[([0-9,\\s]*)]").matcher(json);
        assertThat(m.find()).as(field).isTrue();
        return m.group(1).replaceAll("\\s", "");
    }

    private String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(CommandRegistry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("MKA1_DATA_DIR", data.toString())).run(args);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void greedyIdsFromPromptIdsEqualThePyTorchReference() throws IOException {
        String expected = fixtureList("greedyIds");
        String output = run("generate", "--model", shared().resolve("models/stories260k").toString(), "--prompt-ids",
                fixtureList("greedyPrompt"), "--max-tokens", String.valueOf(expected.split(",").length), "--print-ids",
                "--backend", "reference");
        assertThat(output).isEqualTo(expected + "\n");
    }

    @Test
    void textPromptsPrintTheDecodedCompletionAndSeedsReproduce() {
        String model = shared().resolve("models/stories260k").toString();
        String[] args = {"generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "12", "--temperature",
                "0.8", "--seed", "3", "--backend", "reference"};
        String first = run(args);
        assertThat(first).endsWith("\n").hasSizeGreaterThan(5);
        assertThat(run(args)).isEqualTo(first);
    }
}
