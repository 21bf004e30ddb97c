package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.function.Supplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.mka1.spi.ComputeDevice;

/**
 * The whole kernel sequence of a Llama training step (embedding, RMSNorm, GQA attention with
 * RoPE, SwiGLU, tied LM head, cross-entropy, the backward pass, AdamW) on the GPU follows the
 * same loss curve as on the reference backend, step by step.
 */
@Tag("gpu")
class TrainingCurveGpuTest {
    private static final int STEPS = 8;

    @Test
    void fullFineTuningLossCurveMatchesTheReference() {
        LlamaShape shape = LlamaShape.named("tiny", 2, 48);
        double[] expected = curve(BackendUnderTest::openOracle, shape);
        double[] actual = curve(BackendUnderTest::openUnderTest, shape);
        assertThat(expected[STEPS - 1]).as("the model learns").isLessThan(expected[0] - 0.5);
        for (int i = 0; i < STEPS; i++) {
            assertThat(actual[i]).as("loss at step %d", i + 1)
                    .isCloseTo(expected[i], offset(1e-3 * (1 + Math.abs(expected[i]))));
        }
    }

    private static double[] curve(Supplier<ComputeDevice> backend, LlamaShape shape) {
        double[] losses = new double[STEPS];
        try (ComputeDevice dev = backend.get();
             SyntheticLlama model = new SyntheticLlama(dev, shape, 7, 1e-2f)) {
            for (int i = 0; i < STEPS; i++) losses[i] = model.trainStep();
        }
        return losses;
    }
}
