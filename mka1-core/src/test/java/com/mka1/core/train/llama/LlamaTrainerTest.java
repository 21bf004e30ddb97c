package com.mka1.core.train.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.mka1.core.compute.Backends;
import com.mka1.core.compute.ReferenceBackend;
import com.mka1.core.registry.tiny.TinyModel;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.testing.SharedDir;
import com.mka1.core.train.testing.RecordingListener;
import com.mka1.spi.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingRun;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingSettings;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.data.TrainingMethod;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.model.PeftAdapter;

/** LlamaTrainer end to end on the real stories260k checkpoint, on the reference backend. */
class LlamaTrainerTest {
    private static final String[][] FACTS = {
            {"sky", "blue"}, {"grass", "green"}, {"sun", "yellow"}, {"snow", "white"}, {"night", "dark"},
            {"sea", "blue"}, {"leaf", "green"}, {"milk", "white"}, {"coal", "black"}, {"rose", "red"},
            {"lemon", "yellow"}, {"cloud", "white"}, {"fire", "red"}, {"ink", "black"}};

    private final LlamaTrainer trainer = new LlamaTrainer(new Backends(List.of(new ReferenceBackend())),
            new LlamaTrainer.Options(4096, Duration.ofHours(1), 3, false, BackendOptions.defaults()));
    @TempDir
    Path tmp;

    private static String chatLine(String thing, String color) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + thing + "?\"},"
                + "{\"role\":\"assistant\",\"content\":\"The " + thing + " is " + color + ".\"}]}";
    }

    private Path file(String name, List<String> lines) throws IOException {
        return Files.write(tmp.resolve(name), lines);
    }

    private Path chatFile(String name, int from, int to) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < to; i++) lines.add(chatLine(FACTS[i][0], FACTS[i][1]));
        return file(name, lines);
    }

    private TrainingRun run(String name, Path training, Path validation, TrainingMethod method, TrainingSettings settings) {
        Path root = tmp.resolve(name);
        return new TrainingRun("ftjob-" + name, "karpathy:stories260k", SharedDir.resolve("models/stories260k"), training,
                validation, method, settings, 1234, root.resolve("state"), root.resolve("out"));
    }

    /** LoRA with a large alpha (scale 8): the tiny model then learns within a few steps. */
    private static TrainingSettings settings(Integer epochs, Integer batch, Double multiplier) {
        return new TrainingSettings(epochs, batch, multiplier, null, null, 8, 64.0, null, null, null, null, 160, null);
    }

    @Test
    void loraFineTuningLowersTrainAndValidationLoss() throws Exception {
        Path training = chatFile("train.jsonl", 0, 10);
        Path validation = chatFile("valid.jsonl", 10, 14);
        RecordingListener listener = new RecordingListener(-1);
        TrainingResult result = trainer.train(run("lora", training, validation, TrainingMethod.SUPERVISED,
                settings(3, 2, 10.0)), listener);

        TrainingPlan plan = listener.plans.getFirst();
        assertThat(listener.messages).isEmpty();
        assertThat(plan.backend()).isEqualTo("reference (plain Java reference, double precision, 1 thread)");
        assertThat(plan.totalSteps()).isEqualTo(15);
        assertThat(plan.examples()).isEqualTo(10);
        assertThat(plan.learningRate()).isEqualTo(2e-3);
        assertThat(listener.steps).hasSize(15);
        double firstEpoch = listener.steps.subList(0, 5).stream().mapToDouble(StepMetrics::trainLoss).average().orElseThrow();
        double lastEpoch = listener.steps.subList(10, 15).stream().mapToDouble(StepMetrics::trainLoss).average().orElseThrow();
        assertThat(lastEpoch).isLessThan(firstEpoch - 1.0); // measured: 6.89 -> 5.23
        assertThat(listener.checkpoints).extracting(CheckpointInfo::step).containsExactly(5, 10, 15);
        double firstValid = listener.checkpoints.getFirst().metrics().get("valid_loss");
        double lastValid = listener.checkpoints.getLast().metrics().get("valid_loss");
        assertThat(lastValid).isLessThan(firstValid);

        TrainingResult.Completed done = (TrainingResult.Completed) result;
        assertThat(done.modelDir()).isEqualTo(tmp.resolve("lora/out/model"));
        assertThat(done.modelDir().resolve("adapter_config.json")).isRegularFile();
        assertThat(done.modelDir().resolve("adapter_model.safetensors")).isRegularFile();
        assertThat(done.modelDir().resolve("tokenizer.json")).isRegularFile();
        assertThat(Files.readString(done.modelDir().resolve("adapter_config.json")))
                .contains("\"base_model_name_or_path\"").contains("stories260k");
        assertThat(done.trainedTokens()).isEqualTo(plan.tokensPerEpoch() * 3);
        assertThat(done.finalMetrics()).containsKeys("train_loss", "full_valid_loss", "full_valid_mean_token_accuracy");

        // a fine-tuned adapter can be trained further: it starts where the first job ended
        TrainingRun more = new TrainingRun("ftjob-more", "ft:karpathy:stories260k:x", done.modelDir(), training, validation,
                TrainingMethod.SUPERVISED, settings(1, 2, 10.0), 1234, tmp.resolve("more/state"), tmp.resolve("more/out"));
        RecordingListener continued = new RecordingListener(-1);
        TrainingResult.Completed again = (TrainingResult.Completed) trainer.train(more, continued);
        // same seed and data: the same first batch, now seen through the trained adapter
        assertThat(continued.steps.getFirst().trainLoss()).isLessThan(listener.steps.getFirst().trainLoss() - 0.5);
        assertThat(Files.readString(again.modelDir().resolve("adapter_config.json")))
                .isEqualTo(Files.readString(done.modelDir().resolve("adapter_config.json")));
    }

    @Test
    void recomputingActivationsTrainsTheSameWeightsBitForBit() throws Exception {
        Path training = chatFile("train.jsonl", 0, 4);
        TrainingSettings full = new TrainingSettings(1, 2, 10.0, null, true, null, null, null, null, null, null, 160, null);
        RecordingListener kept = new RecordingListener(-1);
        RecordingListener recomputed = new RecordingListener(-1);
        TrainingResult.Completed a = (TrainingResult.Completed) trainer.train(
                run("kept", training, null, TrainingMethod.SUPERVISED, full), kept);
        TrainingResult.Completed b = (TrainingResult.Completed) trainer.train(
                run("recomputed", training, null, TrainingMethod.SUPERVISED, full.withEngineDefaults(null, true)), recomputed);
        assertThat(recomputed.plans.getFirst().backend())
                .isEqualTo("reference (plain Java reference, double precision, 1 thread), activations recomputed in backward");
        assertThat(recomputed.steps).extracting(StepMetrics::trainLoss)
                .containsExactlyElementsOf(kept.steps.stream().map(StepMetrics::trainLoss).toList());
        assertThat(Files.readAllBytes(b.modelDir().resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(a.modelDir().resolve("model.safetensors")));
    }

    @Test
    void fullFineTuningWritesALoadableModelDirectory() throws Exception {
        Path training = chatFile("train.jsonl", 0, 4);
        TrainingSettings full = new TrainingSettings(1, 2, 10.0, null, true, null, null, null, null, null, null, 160, null);
        RecordingListener listener = new RecordingListener(-1);
        TrainingResult.Completed done = (TrainingResult.Completed) trainer.train(
                run("full", training, null, TrainingMethod.SUPERVISED, full), listener);
        assertThat(listener.plans.getFirst().learningRate()).isEqualTo(2e-4);
        assertThat(done.modelDir().resolve("config.json")).hasSameTextualContentAs(SharedDir.resolve("models/stories260k/config.json"));
        assertThat(done.modelDir().resolve("tokenizer.json")).isRegularFile();
        assertThat(Files.readAllBytes(done.modelDir().resolve("model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(SharedDir.resolve("models/stories260k/model.safetensors")));
        try (var device = new ReferenceBackend().open(BackendOptions.defaults());
             var model = LlamaModel.load(done.modelDir(), device, new TrainableWeights.Frozen(), false)) {
            assertThat(model.config().numLayers()).isEqualTo(5);
        }
    }

    @Test
    void pauseAndResumeGiveBitIdenticalAdapters() throws Exception {
        Path training = chatFile("train.jsonl", 0, 6);
        TrainingSettings settings = settings(2, 2, 5.0);
        trainer.train(run("whole", training, null, TrainingMethod.SUPERVISED, settings), new RecordingListener(-1));

        TrainingRun paused = run("paused", training, null, TrainingMethod.SUPERVISED, settings);
        assertThat(trainer.train(paused, new RecordingListener(2))).isEqualTo(new TrainingResult.Stopped(2));
        RecordingListener resumed = new RecordingListener(-1);
        assertThat(trainer.train(paused, resumed)).isInstanceOf(TrainingResult.Completed.class);
        assertThat(resumed.plans.getFirst().startStep()).isEqualTo(2);

        byte[] whole = Files.readAllBytes(tmp.resolve("whole/out/model/adapter_model.safetensors"));
        byte[] again = Files.readAllBytes(tmp.resolve("paused/out/model/adapter_model.safetensors"));
        assertThat(again).isEqualTo(whole);
        // the comparison covers the trained end-of-turn row (</s>, id 2, trained by default), which moved
        assertThat(PeftAdapter.readSpec(tmp.resolve("whole/out/model")).trainableTokens()).containsExactly(2);
        try (var adapter = SafetensorsReader.openFiles(List.of(tmp.resolve("whole/out/model/adapter_model.safetensors")));
             var base = SafetensorsReader.openFiles(List.of(SharedDir.resolve("models/stories260k/model.safetensors")))) {
            float[] row = adapter.readFloats(PeftAdapter.TOKENS_DELTA);
            assertThat(row).hasSize(64);
            assertThat(row).isNotEqualTo(java.util.Arrays.copyOfRange(base.readFloats("model.embed_tokens.weight"), 2 * 64, 3 * 64));
        }
    }

    @Test
    void dpoPrefersTheChosenReplies() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"" + FACTS[i][0] + "?\"}]},"
                    + "\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"" + FACTS[i][1] + "\"}],"
                    + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"no idea\"}]}");
        }
        Path training = file("dpo.jsonl", lines);
        Path validation = file("dpo-valid.jsonl", lines.subList(0, 3));
        RecordingListener listener = new RecordingListener(-1);
        TrainingSettings settings = new TrainingSettings(2, 2, 10.0, 0.5, null, null, null, 0.0, null, null, null, 160, null);
        TrainingResult result = trainer.train(run("dpo", training, validation, TrainingMethod.DPO, settings), listener);
        assertThat(listener.steps.getFirst().trainLoss()).isCloseTo(Math.log(2), within(1e-6));
        assertThat(listener.checkpoints.getLast().metrics().get("valid_loss"))
                .isLessThan(listener.checkpoints.getFirst().metrics().get("valid_loss"));
        assertThat(((TrainingResult.Completed) result).modelDir().resolve("adapter_model.safetensors")).isRegularFile();
    }

    @Test
    void dpoWithToolsPrefersTheCall() throws Exception {
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"track\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"order\":{\"type\":\"string\"}}}}}]";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"Where is A" + i + "?\"}],\"tools\":" + tools + "},"
                    + "\"preferred_output\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_" + i + "\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"track\",\"arguments\":\"{\\\"order\\\":\\\"A" + i + "\\\"}\"}}]}],"
                    + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"no idea\"}]}");
        }
        RecordingListener listener = new RecordingListener(-1);
        TrainingSettings settings = new TrainingSettings(2, 2, 10.0, 0.5, null, null, null, 0.0, null, null, null, 512, null);
        TrainingResult result = trainer.train(run("dpo-tools", file("dpo-tools.jsonl", lines),
                file("dpo-tools-valid.jsonl", lines.subList(0, 3)), TrainingMethod.DPO, settings), listener);
        assertThat(listener.plans.getFirst().examples()).isEqualTo(6); // the call text fits: no example skipped
        assertThat(listener.steps.getFirst().trainLoss()).isCloseTo(Math.log(2), within(1e-6));
        assertThat(listener.checkpoints.getLast().metrics().get("valid_loss"))
                .isLessThan(listener.checkpoints.getFirst().metrics().get("valid_loss"));
        assertThat(((TrainingResult.Completed) result).modelDir().resolve("adapter_model.safetensors")).isRegularFile();
    }

    @Test
    void failuresCarryTheSpecCodes() throws Exception {
        Path good = chatFile("good.jsonl", 0, 3);
        TrainingRun missing = new TrainingRun("ftjob-x", "nobody:nothing", tmp.resolve("no-model"), good, null,
                TrainingMethod.SUPERVISED, TrainingSettings.auto(), 1, tmp.resolve("s"), tmp.resolve("o"));
        assertThatThrownBy(() -> trainer.train(missing, new RecordingListener(-1)))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_not_found");
                    assertThat(e.getMessage()).contains("nobody:nothing");
                });

        Path bad = file("bad.jsonl", List.of(chatLine("sky", "blue"), "{\"messages\": 3}"));
        assertThatThrownBy(() -> trainer.train(run("bad", bad, null, TrainingMethod.SUPERVISED, TrainingSettings.auto()),
                new RecordingListener(-1)))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_training_file");
                    assertThat(e.param()).isEqualTo("training_file");
                    assertThat(e.getMessage()).startsWith("Line 2: ");
                });

        TrainingSettings tooLong = new TrainingSettings(null, null, null, null, null, null, null, null, null, null, null, 100_000, null);
        assertThatThrownBy(() -> trainer.train(run("long", good, null, TrainingMethod.SUPERVISED, tooLong), new RecordingListener(-1)))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_hyperparameters");
                    assertThat(e.param()).isEqualTo("hyperparameters.max_seq_length");
                });

        TrainingSettings gpu = new TrainingSettings(1, 1, null, null, null, null, null, null, null, null, null, 64, "cuda");
        assertThatThrownBy(() -> trainer.train(run("gpu", good, null, TrainingMethod.SUPERVISED, gpu), new RecordingListener(-1)))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_hyperparameters");
                    assertThat(e.param()).isEqualTo("hyperparameters.backend");
                });

        TrainingSettings target = new TrainingSettings(1, 1, null, null, null, null, null, null, List.of("q", "mlp"), null, null, 64, null);
        assertThatThrownBy(() -> trainer.train(run("target", good, null, TrainingMethod.SUPERVISED, target), new RecordingListener(-1)))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                    assertThat(e.param()).isEqualTo("hyperparameters.lora_target_modules");
                    assertThat(e.getMessage()).contains("'mlp'");
                });
    }

    @Test
    void truncatedAndSkippedExamplesAreReported() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(chatLine("sky", "blue"));
        lines.add("{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(200) + "\"},"
                + "{\"role\":\"assistant\",\"content\":\"ok\"}]}");
        // about 220 tokens of answer: truncated, yet its first tokens stay within the 160
        lines.add(chatLine("grass", "green, very green, as green as anything could be, really, truly, absolutely, most certainly green, "
                .repeat(3) + "green as grass is"));
        RecordingListener listener = new RecordingListener(-1);
        trainer.train(run("trunc", file("t.jsonl", lines), null, TrainingMethod.SUPERVISED, settings(1, 1, null)), listener);
        assertThat(listener.messages).contains(
                "warn: 2 training example(s) longer than max_seq_length (160 tokens) were truncated to it: lines 2, 3",
                "warn: 1 training example(s) were skipped because no assistant token to train on is left within max_seq_length: line 2");
        assertThat(listener.plans.getFirst().examples()).isEqualTo(2);
    }

    @Test
    void loraOnARandomlyInitialisedBaseWarnsAndFullFineTuningDoesNot() throws Exception {
        Path randomBase = TinyModel.ensure(tmp.resolve("models"));
        Path training = chatFile("train.jsonl", 0, 10);
        String warning = "warn: The base model mka1:tiny-random is randomly initialised (never pre-trained): LoRA only adapts "
                + "it and will learn little; use a pretrained base such as mka1:tiny, or train every weight with "
                + "hyperparameters.full_fine_tune";
        RecordingListener lora = new RecordingListener(-1);
        trainer.train(new TrainingRun("ftjob-random", TinyModel.ID, randomBase, training, null, TrainingMethod.SUPERVISED,
                settings(1, 5, null), 1234, tmp.resolve("random/state"), tmp.resolve("random/out")), lora);
        assertThat(lora.messages).containsExactly(warning);

        RecordingListener full = new RecordingListener(-1);
        TrainingSettings everyWeight = new TrainingSettings(1, 5, null, null, true, null, null, null, null, null, null, 160, null);
        trainer.train(new TrainingRun("ftjob-random-full", TinyModel.ID, randomBase, training, null, TrainingMethod.SUPERVISED,
                everyWeight, 1234, tmp.resolve("full/state"), tmp.resolve("full/out")), full);
        assertThat(full.messages).isEmpty();
        assertThat(full.steps).hasSize(2);
    }
}
