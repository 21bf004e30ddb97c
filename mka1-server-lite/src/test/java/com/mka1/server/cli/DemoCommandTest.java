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

/** One short epoch of the demo: upload, train, checkpoints, loss chart and both answers. */
class DemoCommandTest {
    @TempDir
    Path data;

    @Test
    @Tag("slow") // about 40 s on two cores without the Vector API: one real epoch
    void runsTheWholeStoryOnTheEmbeddedModel() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(CommandRegistry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of())
                .run("demo", "--epochs", "1", "--data-dir", data.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8) + text).isZero();
        assertThat(text).contains("mka1 demo: fine-tune mka1:tiny into a support bot (data in " + data + ")")
                .containsPattern("uploaded support-bot.jsonl as file_[0-9a-f]{32} \\(25904 bytes\\)")
                .contains("  Fine-tuning job started")
                .contains("1 epochs, batch size 2")
                .contains("[##############################] 100%  step 60/60")
                .contains("  step   60  loss ")
                .contains("ft:mka1:tiny:support-bot:ckpt-step-60")
                .contains("training loss:", "        step 1 .. 60")
                .contains("held-out question: " + DemoCommand.QUESTION)
                .contains("base model (mka1:tiny):")
                .contains("fine-tuned model (ft:mka1:tiny:support-bot):")
                .containsPattern("demo finished in \\d+ s");
    }

    @Test
    void drawsTheProgressBar() {
        assertThat(DemoCommand.progress(15, 60, 2.5)).isEqualTo("[########......................]  25%  step 15/60  loss 2.5000");
        assertThat(DemoCommand.progress(0, 0, null)).isEqualTo("[..............................]   0%  step 0/?");
    }
}
