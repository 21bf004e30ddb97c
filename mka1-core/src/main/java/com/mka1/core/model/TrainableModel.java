package com.mka1.core.model;

import java.util.List;

/**
 * A model the training loop can optimise: the seam between the loop (optimizer, schedule,
 * accumulation, checkpoints) and the model math (forward/backward on a compute device).
 */
public interface TrainableModel extends AutoCloseable {
    /** Trainable parameters (LoRA A/B matrices, or every weight for full fine-tuning), in a stable order. */
    List<Parameter> trainableParameters();

    /** Sets every trainable parameter's gradient to zero. */
    void zeroGradients();

    /**
     * Forward and backward over one packed batch: accumulates {@code gradScale * d(sum of token
     * losses)} into the gradients and returns the loss sums. {@code dropoutSeed} seeds LoRA
     * dropout masks (ignored without dropout).
     */
    BatchResult forwardBackward(PackedBatch batch, float gradScale, long dropoutSeed);

    /** Forward only (no dropout, no gradients): loss sums for evaluation. */
    BatchResult evaluate(PackedBatch batch);

    @Override
    void close();
}
