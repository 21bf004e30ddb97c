package com.mka1.core.train.loop;

import com.mka1.core.model.TrainableModel;
import com.mka1.core.train.data.SplitMix64;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link TrainingLoop} optimises over which data: supervised cross-entropy over chat
 * examples, or DPO over preference pairs. The loop owns order, steps, optimizer and checkpoints;
 * the objective turns a step's items into gradients and measures validation data.
 */
public interface Objective {
    /** Loss, accuracy and trained tokens of a step or an evaluation. */
    record Result(double loss, double accuracy, long tokens) {}

    /** Training items (examples or pairs) in one epoch. */
    int trainingSize();

    /** Validation items (0 without a validation file). */
    int validationSize();

    /** Tokens in one pass over the training items (trained_tokens = this x epochs). */
    long tokensPerEpoch();

    /** Identifies the data, so a saved state is only resumed on the same data. */
    String fingerprint();

    /**
     * Called once per run before any saved state is restored, while the model holds its initial
     * weights (DPO computes or reloads its reference log-probabilities here).
     */
    void prepare(TrainableModel model, Path stateDir) throws IOException;

    /**
     * Accumulates into the (zeroed) gradients the gradient of the step's mean loss over these
     * training items; draws dropout seeds from {@code rng}.
     */
    Result accumulateGradients(TrainableModel model, List<Integer> items, SplitMix64 rng);

    /** Loss and accuracy over validation items {@code [0, count)}, without gradients. */
    Result evaluate(TrainableModel model, int count);
}
