package com.mka1.core.model;

import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.testing.SharedDir;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LoRA on the real stories260k weights learns: plain gradient descent on a repeating token
 * pattern lowers the loss on the training rows and on held-out rows of the same pattern.
 */
class LoraTrainingTest {
    /** Rows of a period-5 cycle over five vocabulary pieces, starting at a random phase. */
    private static PackedBatch cycleRows(int rows, int seqLen, long seed) {
        int[] cycle = {300, 411, 290, 505, 377};
        SplittableRandom random = new SplittableRandom(seed);
        int n = rows * seqLen;
        int[] tokens = new int[n], targets = new int[n], positions = new int[n], seg = new int[n];
        for (int r = 0; r < rows; r++) {
            int phase = random.nextInt(cycle.length);
            for (int i = 0; i < seqLen; i++) {
                tokens[r * seqLen + i] = cycle[(phase + i) % cycle.length];
                positions[r * seqLen + i] = i;
            }
            for (int i = 0; i < seqLen; i++) targets[r * seqLen + i] = i + 1 < seqLen ? tokens[r * seqLen + i + 1] : -1;
        }
        return new PackedBatch(rows, seqLen, tokens, targets, positions, seg);
    }

    @Test
    void gradientDescentOnLoraLowersTrainAndHeldOutLoss() {
        PackedBatch train = cycleRows(2, 12, 1), heldOut = cycleRows(2, 12, 2);
        var spec = new LoraSpec(4, 8, 0.05, EnumSet.of(Projection.Q, Projection.V, Projection.O, Projection.DOWN), 42);
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(SharedDir.resolve("models/stories260k"), dev, new TrainableWeights.Lora(spec), false)) {
            double trainBefore = model.evaluate(train).meanLoss(), heldOutBefore = model.evaluate(heldOut).meanLoss();
            for (int step = 0; step < 15; step++) {
                model.zeroGradients();
                model.forwardBackward(train, 1f / train.targetCount(), step);
                for (Parameter p : model.trainableParameters()) {
                    dev.kernels().axpy(p.value(), -1.0f, p.gradient(), p.value().size());
                }
            }
            double trainAfter = model.evaluate(train).meanLoss(), heldOutAfter = model.evaluate(heldOut).meanLoss();
            assertThat(trainAfter).as("train loss").isLessThan(trainBefore * 0.5);
            assertThat(heldOutAfter).as("held-out loss").isLessThan(heldOutBefore * 0.5);
        }
    }
}
