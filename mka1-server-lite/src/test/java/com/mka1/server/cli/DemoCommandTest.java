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

/** The demo end to end: upload, train, checkpoints, loss chart, and a fine-tuned answer in the trained style. */
class DemoCommandTest {
    @TempDir
    Path data;

    @Test
    // The real demo, about a minute on two cores with the Vector API: mvn verify -pl mka1-server-lite -am
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
        assertThat(text).contains("mka1 demo: fine-tune mka1:tiny into a support bot (data in " + data + ")")
                .containsPattern("uploaded support-bot.jsonl as file_[0-9a-f]{32} \\(84480 bytes\\)")
                .contains("  Fine-tuning job started")
                .contains("Training on 400 examples: 5 epochs, batch size 1, learning rate 0.000200, 2000 steps")
                .contains("[##############################] 100%  step 2000/2000")
                .contains("  step 2000  loss ")
                .contains("ft:mka1:tiny:support-bot:ckpt-step-2000")
                .contains("training loss:", "        step 1 .. 2000")
                .contains("held-out question: " + DemoCommand.QUESTION)
                .contains("base model (mka1:tiny):")
                .contains("fine-tuned model (ft:mka1:tiny:support-bot):")
                .containsPattern("demo finished in \\d+ s");
        String answer = text.substring(text.indexOf("fine-tuned model (ft:mka1:tiny:support-bot):"));
        // the held-out question is about a late parcel: one of the two trained "delay" answers, word for word
        assertThat(answer.lines().skip(1).findFirst().orElseThrow()).isIn(
                "  Hi there! Sorry for the wait! Your order is with the courier and arrives in two days. - Max from Acme",
                "  Hi there! Sorry it is late! Your parcel is on its way and arrives this week. - Max from Acme");
    }

    @Test
    void drawsTheProgressBar() {
        assertThat(DemoCommand.progress(15, 60, 2.5)).isEqualTo("[########......................]  25%  step 15/60  loss 2.5000");
        assertThat(DemoCommand.progress(0, 0, null)).isEqualTo("[..............................]   0%  step 0/?");
    }
}
