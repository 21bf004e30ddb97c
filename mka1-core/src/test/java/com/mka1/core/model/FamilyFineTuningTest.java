package com.mka1.core.model;

import com.mka1.spi.Bf16;
import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Parameter;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fine-tuning runs for every family on its tiny checkpoint (reference backend): a few gradient
 * steps of LoRA and of full fine-tuning lower the loss; the saved PEFT adapter, and the exported
 * full weights, reload to the trained model's logits; BF16 weights give the logits of their F32
 * values.
 */
class FamilyFineTuningTest {
    /** Rows of a period-5 cycle over five vocabulary pieces, longer than the fixtures' window of 8. */
    private static PackedBatch cycleRows(int rows, int seqLen, long seed) {
        int[] cycle = {300, 411, 290, 505, 377};
        SplittableRandom random = new SplittableRandom(seed);
        int n = rows * seqLen;
        int[] tokens = new int[n], targets = new int[n], positions = new int[n];
        for (int r = 0; r < rows; r++) {
            int phase = random.nextInt(cycle.length);
            for (int i = 0; i < seqLen; i++) {
                tokens[r * seqLen + i] = cycle[(phase + i) % cycle.length];
                positions[r * seqLen + i] = i;
            }
            for (int i = 0; i < seqLen; i++) targets[r * seqLen + i] = i + 1 < seqLen ? tokens[r * seqLen + i + 1] : -1;
        }
        return new PackedBatch(rows, seqLen, tokens, targets, positions, new int[n]);
    }

    /** AdamW steps (the kernel, without weight decay); returns the loss before and after. */
    private static double[] train(ReferenceDevice dev, LlamaModel model, PackedBatch batch, int steps, float lr) {
        double before = model.evaluate(batch).meanLoss();
        List<Parameter> params = model.trainableParameters();
        List<Tensor[]> moments = params.stream().map(p -> new Tensor[] {dev.allocate(DType.F32, p.value().shape()),
                dev.allocate(DType.F32, p.value().shape())}).toList();
        for (int step = 1; step <= steps; step++) {
            model.zeroGradients();
            model.forwardBackward(batch, 1f / batch.targetCount(), step);
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                dev.kernels().adamw(p.value(), p.gradient(), moments.get(i)[0], moments.get(i)[1], p.value().size(), lr,
                        0.9f, 0.999f, 1e-8f, 0, step);
            }
        }
        return new double[] {before, model.evaluate(batch).meanLoss()};
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        return ArchFixture.maxAbsError(a, b);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-tied", "mistral-swa8", "qwen2-swa8", "qwen3", "gemma2", "gemma3", "phi3", "smollm3",
            "olmo2", "granite"})
    void loraStepsLowerTheLossAndTheSavedAdapterReloadsToTheSameLogits(String family, @TempDir Path out) {
        Path dir = ArchFixture.ROOT.resolve(family);
        PackedBatch batch = cycleRows(2, 12, 1);
        var spec = new LoraSpec(4, 8, 0, EnumSet.allOf(Projection.class), 42);
        float[] trained;
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(dir, dev, new TrainableWeights.Lora(spec), false)) {
            double[] loss = train(dev, model, batch, 6, 0.01f);
            assertThat(loss[1]).as(family + " LoRA loss " + loss[0] + " -> " + loss[1]).isLessThan(loss[0] * 0.9);
            model.export(out, family);
            trained = model.logits(batch);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (var dev = new ReferenceDevice();
             var reloaded = LlamaModel.load(dir, dev, new TrainableWeights.Lora(PeftAdapter.readSpec(out)), false)) {
            PeftAdapter.load(reloaded, out);
            assertThat(maxAbsDifference(reloaded.logits(batch), trained)).as(family + " reloaded adapter").isLessThan(2e-5);
            reloaded.mergeLora(); // folded into the (fused, for Phi-3) base weights: the same function without adapters
            assertThat(maxAbsDifference(reloaded.logits(batch), trained)).as(family + " merged adapter").isLessThan(2e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-tied", "mistral-swa8", "qwen2-swa8", "qwen3", "gemma2", "gemma3", "phi3", "smollm3",
            "olmo2", "granite"})
    void fullFineTuningStepsLowerTheLossAndTheExportedWeightsReloadToTheSameLogits(String family, @TempDir Path out)
            throws IOException {
        Path dir = ArchFixture.ROOT.resolve(family);
        PackedBatch batch = cycleRows(2, 12, 1);
        float[] trained;
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(dir, dev, new TrainableWeights.Full(), false)) {
            double[] loss = train(dev, model, batch, 6, 0.01f);
            assertThat(loss[1]).as(family + " full fine-tuning loss " + loss[0] + " -> " + loss[1]).isLessThan(loss[0] * 0.9);
            model.export(out, family);
            trained = model.logits(batch);
        }
        try (var dev = new ReferenceDevice(); var reloaded = LlamaModel.load(out, dev, new TrainableWeights.Frozen(), false)) {
            assertThat(maxAbsDifference(reloaded.logits(batch), trained)).as(family + " reloaded weights").isLessThan(2e-5);
        }
    }

    /** The checkpoint saved in BF16: kept in BF16 when frozen, widened to F32 when trained; the same logits either way. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen3", "gemma2", "gemma3", "phi3", "smollm3", "olmo2", "granite"})
    void bf16WeightsGiveTheLogitsOfTheirF32Values(String family, @TempDir Path bf16Dir) throws IOException {
        Path dir = ArchFixture.ROOT.resolve(family);
        Files.copy(dir.resolve("config.json"), bf16Dir.resolve("config.json"));
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsReader reader = SafetensorsReader.openDirectory(dir)) {
            for (String name : reader.names()) {
                float[] values = reader.readFloats(name);
                short[] bits = new short[values.length];
                for (int i = 0; i < bits.length; i++) bits[i] = Bf16.fromFloat(values[i]);
                entries.add(new SafetensorsWriter.Entry.Bf16(name, reader.info(name).shape(), bits));
            }
        }
        SafetensorsWriter.write(bf16Dir.resolve(SafetensorsReader.SINGLE_FILE), entries, Map.of("format", "pt"));
        PackedBatch batch = cycleRows(1, 12, 3);
        try (var dev = new ReferenceDevice();
             var frozen = LlamaModel.load(bf16Dir, dev, new TrainableWeights.Frozen(), false);
             var widened = LlamaModel.load(bf16Dir, dev, new TrainableWeights.Full(), false)) {
            assertThat(frozen.baseWeights().get("model.embed_tokens.weight").dtype()).isEqualTo(DType.BF16);
            assertThat(maxAbsDifference(frozen.logits(batch), widened.logits(batch))).as(family).isLessThan(1e-5);
        }
    }
}
