package com.mka1.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end: upload, LoRA on the pretrained mka1:tiny, checkpoints, loss chart, base vs fine-tuned answer. */
class DemoCommandTest {
    @TempDir
    Path data;

    @Test
    // The real demo, about 30 s on two cores with the Vector API: mvn verify -pl mka1-server-lite -am
    // -Dtest=DemoCommandTest -Dmka1.test.excludedGroups=gpu "-Dmka1.test.jvmArgs=--add-modules jdk.incubator.vector"
    @Tag("slow")
    void runsTheWholeStoryAndTheFineTunedAnswerFollowsTheTrainedStyle() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(CommandRegistry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of())
                .run("demo", "--data-dir", data.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8) + text).isZero();
        assertThat(text).contains("mka1 demo: fine-tune mka1:tiny with LoRA into a storyteller (data in " + data + ")")
                .containsPattern("uploaded stories.jsonl as file_[0-9a-f]{32} \\(63537 bytes\\)")
                .contains("  Fine-tuning job started")
                .contains("Training on 240 examples: 3 epochs, batch size 4, learning rate 0.000200, 180 steps")
                .doesNotContain("randomly initialised")
                .contains("[##############################] 100%  step 180/180")
                .contains("  step  180  loss ")
                .contains("ft:mka1:tiny:storyteller:ckpt-step-180")
                .contains("training loss:", "        step 1 .. 180")
                .contains("held-out request: " + DemoCommand.QUESTION)
                .contains("(greedy answers of up to 80 tokens, ended by the model's own end-of-turn token: stories260K never learned"
                        + " to emit </s>; the fine-tune trains its row beside LoRA and learns to)")
                .containsPattern("demo finished in \\d+ s");
        // the base model tells a story of its own; the fine-tune tells the trained kind, about the frog Sue it never saw
        assertThat(answerOf(text, "base model (mka1:tiny):")).doesNotStartWith("Once upon a time, there was a");
        assertThat(endOf(text, "base model (mka1:tiny):")).isEqualTo("[cut at 80 tokens]");
        // ... and ends it where the trained stories end, with its own </s>: no stop sequence
        assertThat(answerOf(text, "fine-tuned model (ft:mka1:tiny:storyteller):")).matches(
                "Once upon a time, there was a [a-z]+ frog named Sue\\. Sue liked to [a-z ]+\\. "
                        + "One day, Sue found a [a-z]+ [a-z]+ and was very happy\\. The end\\.");
        assertThat(endOf(text, "fine-tuned model (ft:mka1:tiny:storyteller):")).matches("\\[ended after \\d\\d tokens]");
    }

    /** The line after {@code header}, without its indent. */
    private static String answerOf(String text, String header) {
        assertThat(text).contains(header);
        return text.substring(text.indexOf(header)).lines().skip(1).findFirst().orElseThrow().strip();
    }

    /** How the answer after {@code header} ended: its first line that starts with "[". */
    private static String endOf(String text, String header) {
        return text.substring(text.indexOf(header)).lines().skip(1).map(String::strip).filter(l -> l.startsWith("["))
                .findFirst().orElseThrow();
    }

    @Test
    void drawsTheProgressBar() {
        assertThat(DemoCommand.progress(15, 60, 2.5)).isEqualTo("[########......................]  25%  step 15/60  loss 2.5000");
        assertThat(DemoCommand.progress(0, 0, null)).isEqualTo("[..............................]   0%  step 0/?");
    }
}
