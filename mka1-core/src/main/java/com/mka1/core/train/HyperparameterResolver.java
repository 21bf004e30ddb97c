package com.mka1.core.train;

import com.mka1.core.train.optim.LearningRateSchedule;

/**
 * Checks requested settings against their ranges and resolves "auto" (null) values from the data
 * set size, following OpenAI's published rules where they exist:
 * <ul>
 *   <li>n_epochs: 3; more for small sets so that epochs x examples reaches 100 (at most 25), fewer
 *       for large sets so that it stays near 25,000 (at least 1).</li>
 *   <li>batch_size: 0.2% of the examples, rounded, clamped to 1..256 and to the example count.</li>
 *   <li>learning_rate_multiplier: 1, on a base rate of 2e-4 (LoRA) or 2e-5 (full fine-tuning).</li>
 *   <li>beta 0.1, warmup_ratio 0.1, lr_scheduler linear, max_seq_length the smaller of the
 *       model's context and 2048, gradient clipping at norm 1.</li>
 * </ul>
 */
public final class HyperparameterResolver {
    static final int TARGET_EPOCHS = 3;
    static final int MIN_TARGET_EXAMPLES = 100;
    static final int MAX_TARGET_EXAMPLES = 25_000;
    static final int MAX_AUTO_EPOCHS = 25;
    static final double LORA_BASE_LEARNING_RATE = 2e-4;
    static final double FULL_BASE_LEARNING_RATE = 2e-5;
    static final int DEFAULT_MAX_SEQ_LENGTH = 2048;

    private HyperparameterResolver() {}

    /**
     * Resolves {@code settings} for {@code examples} training examples on a model whose context
     * holds {@code modelMaxPositions} tokens.
     */
    public static ResolvedHyperparameters resolve(TrainingSettings settings, int examples, int modelMaxPositions)
            throws TrainingFailedException {
        if (examples < 1) {
            throw new TrainingFailedException("invalid_training_file", "training_file", "the training file has no usable examples");
        }
        int nEpochs = settings.nEpochs() != null
                ? checkRange("n_epochs", settings.nEpochs(), 1, 50)
                : autoEpochs(examples);
        int batchSize = settings.batchSize() != null
                ? Math.min(checkRange("batch_size", settings.batchSize(), 1, 256), examples)
                : autoBatchSize(examples);
        double multiplier = settings.learningRateMultiplier() != null
                ? checkOpenClosed("learning_rate_multiplier", settings.learningRateMultiplier(), 0, 10)
                : 1.0;
        double beta = settings.beta() != null ? checkOpenClosed("beta", settings.beta(), 0, 2) : 0.1;
        double warmup = settings.warmupRatio() != null ? checkWarmup(settings.warmupRatio()) : 0.1;
        LearningRateSchedule.Decay decay;
        try {
            decay = settings.lrScheduler() != null ? LearningRateSchedule.Decay.parse(settings.lrScheduler())
                    : LearningRateSchedule.Decay.LINEAR;
        } catch (IllegalArgumentException e) {
            throw invalid("lr_scheduler", e.getMessage());
        }
        int maxSeq = settings.maxSeqLength() != null
                ? checkRange("max_seq_length", settings.maxSeqLength(), 2, modelMaxPositions)
                : Math.min(modelMaxPositions, DEFAULT_MAX_SEQ_LENGTH);
        double base = Boolean.TRUE.equals(settings.fullFineTune()) ? FULL_BASE_LEARNING_RATE : LORA_BASE_LEARNING_RATE;
        return new ResolvedHyperparameters(nEpochs, batchSize, multiplier, base, beta, warmup, decay, maxSeq, 1.0);
    }

    static int autoEpochs(int examples) {
        if ((long) examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) {
            return Math.min(MAX_AUTO_EPOCHS, MIN_TARGET_EXAMPLES / examples);
        }
        if ((long) examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) {
            return Math.max(1, MAX_TARGET_EXAMPLES / examples);
        }
        return TARGET_EPOCHS;
    }

    static int autoBatchSize(int examples) {
        long size = Math.round(examples * 0.002);
        return (int) Math.max(1, Math.min(Math.min(256, size), examples));
    }

    private static int checkRange(String name, int value, int min, int max) throws TrainingFailedException {
        if (value < min || value > max) {
            throw invalid(name, name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static double checkOpenClosed(String name, double value, double min, double max) throws TrainingFailedException {
        if (!(value > min && value <= max)) {
            throw invalid(name, name + " must be > " + min + " and <= " + max + ", got " + value);
        }
        return value;
    }

    private static double checkWarmup(double value) throws TrainingFailedException {
        if (!(value >= 0 && value < 1)) {
            throw invalid("warmup_ratio", "warmup_ratio must be in [0, 1), got " + value);
        }
        return value;
    }

    private static TrainingFailedException invalid(String name, String message) {
        return new TrainingFailedException("invalid_hyperparameters", "hyperparameters." + name, message);
    }
}
