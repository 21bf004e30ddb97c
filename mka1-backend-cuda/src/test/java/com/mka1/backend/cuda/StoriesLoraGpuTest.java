package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import com.mka1.core.model.BatchResult;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Parameter;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * LoRA fine-tuning of the real stories260k model (mka1-core's LlamaModel) on the GPU follows the
 * CPU backend's loss curve step by step: packed rows of several examples, all seven projections
 * adapted, AdamW on the adapters.
 */
@Tag("gpu")
class StoriesLoraGpuTest {
    private static final int STEPS = 10;

    @Test
    void loraLossCurveMatchesTheCpuBackend() {
        Path model = SharedDir.resolve("models/stories260k");
        PackedBatch batch = packedBatch();
        double[] expected = curve(() -> BackendUnderTest.open("cpu"), model, batch);
        double[] actual = curve(BackendUnderTest::openUnderTest, model, batch);
        assertThat(expected[STEPS - 1]).as("the adapters learn").isLessThan(expected[0] - 0.2);
        for (int i = 0; i < STEPS; i++) {
            assertThat(actual[i]).as("loss at step %d", i + 1)
                    .isCloseTo(expected[i], Offset.offset(1e-3 * (1 + Math.abs(expected[i]))));
        }
    }

    private static double[] curve(Supplier<ComputeDevice> backend, Path modelDir, PackedBatch batch) {
        var lora = new LoraSpec(8, 16, 0.0, EnumSet.allOf(Projection.class), 11);
        double[] losses = new double[STEPS];
        try (ComputeDevice dev = backend.get();
             LlamaModel model = LlamaModel.load(modelDir, dev, new TrainableWeights.Lora(lora), false)) {
            Kernels k = dev.kernels();
            List<Tensor[]> moments = new ArrayList<>();
            for (Parameter p : model.trainableParameters()) {
                int size = Math.toIntExact(p.value().size());
                moments.add(new Tensor[] {dev.allocate(DType.F32, size), dev.allocate(DType.F32, size)});
            }
            for (int step = 1; step <= STEPS; step++) {
                model.zeroGradients();
                BatchResult result = model.forwardBackward(batch, 1f / batch.targetCount(), 0);
                losses[step - 1] = result.meanLoss();
                for (int i = 0; i < moments.size(); i++) {
                    Parameter p = model.trainableParameters().get(i);
                    k.adamw(p.value(), p.gradient(), moments.get(i)[0], moments.get(i)[1], p.value().size(),
                            1e-2f, 0.9f, 0.999f, 1e-8f, p.weightDecay() ? 0.01f : 0f, step);
                }
            }
        }
        return losses;
    }

    /** Two rows of 64 tokens: one example in the first, examples of 40 and 24 tokens in the second. */
    private static PackedBatch packedBatch() {
        int seqLen = 64;
        int[][] examples = {{0, 64}, {64, 40}, {104, 24}}; // {start, length} in the flattened rows
        int n = 2 * seqLen;
        int[] tokens = new int[n], targets = new int[n], positions = new int[n], segStart = new int[n];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < n; i++) tokens[i] = 3 + random.nextInt(509);
        for (int[] example : examples) {
            int start = example[0], length = example[1];
            for (int t = 0; t < length; t++) {
                int at = start + t;
                positions[at] = t;
                segStart[at] = start % seqLen;
                targets[at] = t + 1 < length ? tokens[at + 1] : -1;
            }
        }
        return new PackedBatch(2, seqLen, tokens, targets, positions, segStart);
    }
}
