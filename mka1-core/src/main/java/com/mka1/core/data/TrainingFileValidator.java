package com.mka1.core.data;


import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks a training or validation file before a job trains on it: every line parses as the
 * method's format ({@link ExampleParser}), the training file has at least {@code minExamples}
 * examples, something carries weight 1, and no example is longer than the model's context
 * (too-long examples fail the job rather than being truncated silently). Reports up to
 * {@value #MAX_REPORTED} problems at once, each naming its line.
 */
public final class TrainingFileValidator {
    static final int MAX_REPORTED = 5;
    private static final int TOKENS_PER_MESSAGE = 4; // role markers and separators of a chat template

    private final int minExamples;
    private final TokenCounter tokens;

    public TrainingFileValidator(int minExamples, TokenCounter tokens) {
        if (minExamples < 1) throw new IllegalArgumentException("minExamples must be at least 1: " + minExamples);
        this.minExamples = minExamples;
        this.tokens = tokens;
    }

    /**
     * Validates {@code file}. {@code maxExampleTokens} is the model's context length, or null
     * when unknown (no length check).
     */
    public ValidationReport validate(Path file, DataFileRole role, TrainingMethod method, Integer maxExampleTokens)
            throws TrainingFileException, IOException {
        List<DataProblem> problems = new ArrayList<>();
        List<DataProblem> tooLong = new ArrayList<>();
        int[] examples = {0};
        long[] total = {0};
        int[] longest = {0};
        boolean[] anyTrainable = {method == TrainingMethod.DPO};
        JsonlExamples.forEach(file, (json, line) -> {
            int size;
            if (method == TrainingMethod.DPO) {
                PreferenceExample e = ExampleParser.preference(json, line);
                size = count(e.input(), e.toolsJson()) + Math.max(count(e.preferred(), null), count(e.nonPreferred(), null));
            } else {
                ChatExample e = ExampleParser.chat(json, line);
                size = count(e.messages(), e.toolsJson());
                if (e.messages().stream().anyMatch(ChatMessage::trainable)) anyTrainable[0] = true;
            }
            examples[0]++;
            total[0] += size;
            longest[0] = Math.max(longest[0], size);
            if (maxExampleTokens != null && size > maxExampleTokens && tooLong.size() < MAX_REPORTED) {
                tooLong.add(new DataProblem(line, "example has about " + size
                        + " tokens, more than the model's context length of " + maxExampleTokens));
            }
        }, p -> {
            problems.add(p);
            return problems.size() < MAX_REPORTED;
        });
        String name = role == DataFileRole.TRAINING ? "Training file" : "Validation file";
        if (!problems.isEmpty()) throw new TrainingFileException(role.invalidCode(), role.param(), join(problems));
        if (!tooLong.isEmpty()) throw new TrainingFileException("example_too_long", role.param(), join(tooLong));
        int required = role == DataFileRole.TRAINING ? minExamples : 1;
        if (examples[0] < required) {
            throw new TrainingFileException("insufficient_examples", role.param(), name + " has " + examples[0]
                    + (examples[0] == 1 ? " example" : " examples") + "; at least " + required + " required.");
        }
        if (!anyTrainable[0]) {
            throw new TrainingFileException(role.invalidCode(), role.param(),
                    name + " has no assistant message with weight 1; there is nothing to train on.");
        }
        return new ValidationReport(examples[0], total[0], longest[0]);
    }

    private int count(List<ChatMessage> messages, String toolsJson) {
        int n = toolsJson == null ? 0 : tokens.count(toolsJson);
        for (ChatMessage m : messages) {
            n += TOKENS_PER_MESSAGE + tokens.count(m.content());
            for (ToolCall call : m.toolCalls()) n += tokens.count(call.name()) + tokens.count(call.arguments());
        }
        return n;
    }

    private static String join(List<DataProblem> problems) {
        return problems.stream().map(DataProblem::toString).collect(Collectors.joining("; "));
    }
}
