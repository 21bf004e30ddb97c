package com.mka1.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingFileValidatorTest {
    static final String GOOD = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]}";
    static final String GOOD_DPO = "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]},"
            + "\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Hello!\"}],"
            + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Go away\"}]}";

    @TempDir
    Path dir;

    private final TrainingFileValidator validator = new TrainingFileValidator(3, TokenCounter.APPROXIMATE);

    private Path file(String... lines) throws IOException {
        Path p = Files.createTempFile(dir, "data", ".jsonl");
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    /** Two good lines, then {@code bad} as line 3, then a good one: the problem is on line 3. */
    private void assertLine3(String bad, String problem) throws IOException {
        Path p = file(GOOD, GOOD, bad, GOOD);
        assertThatThrownBy(() -> validator.validate(p, DataFileRole.TRAINING, TrainingMethod.SUPERVISED, null))
                .isInstanceOfSatisfying(TrainingFileException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_training_file");
                    assertThat(e.param()).isEqualTo("training_file");
                    assertThat(e.getMessage()).isEqualTo("Line 3: " + problem);
                });
    }

    @Test
    void goodFileReportsCountsAndTokenEstimate() throws Exception {
        ValidationReport r = validator.validate(file(GOOD, GOOD, "", GOOD), DataFileRole.TRAINING, TrainingMethod.SUPERVISED, 100);
        // per example: 2 messages x 4 overhead + ceil(8/4)=2 + ceil(6/4)=2 tokens
        assertThat(r).isEqualTo(new ValidationReport(3, 36, 12));
    }

    @Test
    void everyChatRuleHasItsMessage() throws IOException {
        assertLine3("{\"messages\": [", "invalid JSON (Unexpected end-of-input: expected close marker for Array at line 1, column 15)");
        assertLine3("[1]", "each line must be a JSON object, but got an array");
        assertLine3("{\"prompt\":\"x\"}", "missing 'messages'");
        assertLine3("{\"messages\":{}}", "'messages' must be an array, but got an object");
        assertLine3("{\"messages\":[]}", "'messages' must not be empty");
        assertLine3("{\"messages\":[\"hi\"]}", "messages[0]: a message must be an object, but got a string");
        assertLine3("{\"messages\":[{\"content\":\"x\"}]}", "messages[0]: missing or non-string 'role'");
        assertLine3("{\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}",
                "messages[0]: unknown role 'bot' (expected system, developer, user, assistant or tool)");
        assertLine3("{\"messages\":[{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":\"a\"}]}", "messages[0]: missing 'content'");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":5},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "messages[0]: 'content' must be a string or a list of text parts, but got an integer");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "messages[0].content[0]: part type 'image_url' is not supported (only 'text')");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "messages[0].content[0]: a text part needs a string 'text'");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "no assistant message (at least one is required to train on)");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"weight\":1},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "messages[0]: 'weight' is only allowed on assistant messages");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\",\"weight\":0.5}]}",
                "messages[1]: 'weight' must be 0 or 1");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"tool\",\"content\":\"r\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "messages[1]: a tool message needs a string 'tool_call_id'");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"tool_calls\":[]},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "messages[0]: 'tool_calls' is only allowed on assistant messages");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]}]}",
                "messages[1].tool_calls[0].function: 'arguments' must be a string of JSON");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"tool_calls\":[{\"type\":\"function\"}]}]}",
                "messages[1].tool_calls[0]: missing string 'id'");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\",\"function_call\":{}}]}",
                "messages[1]: 'function_call' is not supported; use 'tool_calls'");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\"}],\"tools\":[{\"type\":\"code\"}]}",
                "tools[0]: type must be 'function'");
        assertLine3("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\"}],\"parallel_tool_calls\":\"yes\"}",
                "'parallel_tool_calls' must be a boolean");
        assertLine3(GOOD_DPO, "'input' is a DPO field, but the job's method is supervised (expected 'messages')");
    }

    @Test
    void toolCallsAndPartsParseIntoRecords() throws Exception {
        Path p = file("{\"messages\":[{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"Be \"},{\"type\":\"text\",\"text\":\"brief\"}]},"
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}],\"weight\":0},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"rain\"},{\"role\":\"assistant\",\"content\":\"Rain.\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get\",\"parameters\":{}}}]}");
        ChatExample e = JsonlExamples.readChat(p).getFirst();
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.toolsJson()).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"get\",\"parameters\":{}}}]");
        assertThat(e.messages()).containsExactly(
                new ChatMessage("developer", "Be brief", List.of(), null, false),
                new ChatMessage("user", "weather?", List.of(), null, false),
                new ChatMessage("assistant", "", List.of(new ToolCall("call_1", "get", "{\"city\":\"Oslo\"}")), null, false),
                new ChatMessage("tool", "rain", List.of(), "call_1", false),
                new ChatMessage("assistant", "Rain.", List.of(), null, true));
    }

    @Test
    void reportsUpToFiveProblemsJoined() throws IOException {
        List<String> lines = new ArrayList<>(Collections.nCopies(8, "{}"));
        Path p = file(lines.toArray(String[]::new));
        assertThatThrownBy(() -> validator.validate(p, DataFileRole.TRAINING, TrainingMethod.SUPERVISED, null))
                .hasMessage("Line 1: missing 'messages'; Line 2: missing 'messages'; Line 3: missing 'messages'; "
                        + "Line 4: missing 'messages'; Line 5: missing 'messages'");
    }

    @Test
    void tooFewExamples() throws IOException {
        Path p = file(GOOD, GOOD);
        assertThatThrownBy(() -> validator.validate(p, DataFileRole.TRAINING, TrainingMethod.SUPERVISED, null))
                .isInstanceOfSatisfying(TrainingFileException.class, e -> {
                    assertThat(e.code()).isEqualTo("insufficient_examples");
                    assertThat(e.getMessage()).isEqualTo("Training file has 2 examples; at least 3 required.");
                });
        Path empty = file("");
        assertThatThrownBy(() -> validator.validate(empty, DataFileRole.VALIDATION, TrainingMethod.SUPERVISED, null))
                .isInstanceOfSatisfying(TrainingFileException.class, e -> {
                    assertThat(e.code()).isEqualTo("insufficient_examples");
                    assertThat(e.param()).isEqualTo("validation_file");
                    assertThat(e.getMessage()).isEqualTo("Validation file has 0 examples; at least 1 required.");
                });
    }

    @Test
    void nothingWithWeightOne() throws IOException {
        String zero = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\",\"weight\":0}]}";
        Path p = file(zero, zero, zero);
        assertThatThrownBy(() -> validator.validate(p, DataFileRole.TRAINING, TrainingMethod.SUPERVISED, null))
                .isInstanceOfSatisfying(TrainingFileException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_training_file");
                    assertThat(e.getMessage()).isEqualTo("Training file has no assistant message with weight 1; there is nothing to train on.");
                });
    }

    @Test
    void exampleLongerThanTheContextFails() throws IOException {
        String longLine = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(400) + "\"},{\"role\":\"assistant\",\"content\":\"a\"}]}";
        Path p = file(GOOD, longLine, GOOD);
        assertThatThrownBy(() -> validator.validate(p, DataFileRole.TRAINING, TrainingMethod.SUPERVISED, 64))
                .isInstanceOfSatisfying(TrainingFileException.class, e -> {
                    assertThat(e.code()).isEqualTo("example_too_long");
                    assertThat(e.getMessage()).isEqualTo("Line 2: example has about 109 tokens, more than the model's context length of 64");
                });
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        Path p = dir.resolve("bad.jsonl");
        byte[] good = (GOOD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[good.length + 3];
        System.arraycopy(good, 0, bytes, 0, good.length);
        bytes[good.length] = (byte) 0xC3;
        bytes[good.length + 1] = (byte) 0x28;
        bytes[good.length + 2] = '\n';
        Files.write(p, bytes);
        assertThatThrownBy(() -> validator.validate(p, DataFileRole.TRAINING, TrainingMethod.SUPERVISED, null))
                .hasMessage("Line 2: not valid UTF-8");
    }

    @Test
    void dpoFormat() throws Exception {
        ValidationReport r = validator.validate(file(GOOD_DPO, GOOD_DPO, GOOD_DPO), DataFileRole.TRAINING, TrainingMethod.DPO, null);
        assertThat(r.examples()).isEqualTo(3);
        PreferenceExample e = JsonlExamples.readPreference(file(GOOD_DPO)).getFirst();
        assertThat(e.input()).containsExactly(ChatMessage.of("user", "Hi"));
        assertThat(e.preferred()).containsExactly(ChatMessage.of("assistant", "Hello!"));
        assertThat(e.nonPreferred()).containsExactly(ChatMessage.of("assistant", "Go away"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\"}]}|'messages' is the supervised format, but the job's method is dpo (expected 'input', 'preferred_output' and 'non_preferred_output')",
            "{\"preferred_output\":[]}|missing 'input'",
            "{\"input\":[]}|'input' must be an object, but got an array",
            "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]},\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"n\"}]}|missing 'preferred_output'",
            "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]},\"preferred_output\":[{\"role\":\"user\",\"content\":\"p\"}],\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"n\"}]}|preferred_output[0]: role must be 'assistant', got 'user'",
            "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]},\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"p\"}],\"non_preferred_output\":[]}|'non_preferred_output' must not be empty",
    })
    void everyDpoRuleHasItsMessage(String line, String problem) throws IOException {
        Path p = file(GOOD_DPO, line);
        assertThatThrownBy(() -> validator.validate(p, DataFileRole.TRAINING, TrainingMethod.DPO, null))
                .hasMessage("Line 2: " + problem);
    }
}
