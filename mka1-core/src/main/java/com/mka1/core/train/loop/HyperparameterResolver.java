package com.mka1.core.train.loop;

import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.train.optim.LearningRateSchedule;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import com.mka1.core.train.TrainingSettings;
import com.mka1.core.train.TrainingFailedException;

/**
 * The one place where requested settings are checked against their ranges and "auto" (null)
 * values are resolved, from the data set size and the model, following OpenAI's published rules
 * where they exist:
 * <ul>
 *   <li>n_epochs: 3; more for small sets so that epochs x examples reaches 100 (at most 25), fewer
 *       for large sets so that it stays near 25,000 (at least 1).</li>
 *   <li>batch_size: 0.2% of the examples, rounded, clamped to 1..256 and to the example count.</li>
 *   <li>learning_rate_multiplier: 1, on a base rate of 2e-4 (LoRA) or 2e-5 (full fine-tuning).</li>
 *   <li>beta 0.1, warmup_ratio 0.1, lr_scheduler linear, max_seq_length the smaller of the
 *       model's context and 2048, gradient clipping at norm 1.</li>
 *   <li>LoRA unless full_fine_tune: rank 8, alpha 16, dropout 0.05 on all seven projections;
 *       continuing an adapter keeps its rank, alpha and targets.</li>
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
    static final int DEFAULT_LORA_RANK = 8;
    static final double DEFAULT_LORA_ALPHA = 16;
    static final double DEFAULT_LORA_DROPOUT = 0.05;

    private HyperparameterResolver() {}

    /**
     * The packed row length alone ({@code max_seq_length}), which the training data must be
     * encoded with before the other values, which depend on the example count, can be resolved.
     */
    public static int maxSeqLength(TrainingSettings settings, int modelMaxPositions) throws TrainingFailedException {
        return settings.maxSeqLength() != null
                ? checkRange("max_seq_length", settings.maxSeqLength(), 2, modelMaxPositions)
                : Math.min(modelMaxPositions, DEFAULT_MAX_SEQ_LENGTH);
    }

    /**
     * Resolves {@code settings} for {@code examples} training examples on a model whose context
     * holds {@code modelMaxPositions} tokens. {@code initSeed} seeds the LoRA A matrices (the job's
     * seed, so runs repeat); {@code continuedAdapter} is the saved adapter a run continues (LoRA
     * with its rank, alpha and targets, the requested dropout), or null.
     */
    public static ResolvedHyperparameters resolve(TrainingSettings settings, int examples, int modelMaxPositions,
                                                  long initSeed, LoraSpec continuedAdapter) throws TrainingFailedException {
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
        int maxSeq = maxSeqLength(settings, modelMaxPositions);
        TrainableWeights weights = weights(settings, initSeed, continuedAdapter);
        double base = weights instanceof TrainableWeights.Full ? FULL_BASE_LEARNING_RATE : LORA_BASE_LEARNING_RATE;
        return new ResolvedHyperparameters(nEpochs, batchSize, multiplier, base, beta, warmup, decay, maxSeq, 1.0, weights);
    }

    private static TrainableWeights weights(TrainingSettings settings, long initSeed, LoraSpec continued)
            throws TrainingFailedException {
        if (Boolean.TRUE.equals(settings.fullFineTune())) return new TrainableWeights.Full();
        int rank = settings.loraRank() != null ? settings.loraRank() : DEFAULT_LORA_RANK;
        if (rank < 1 || rank > 1024) throw invalid("lora_rank", "lora_rank must be between 1 and 1024, got " + rank);
        double alpha = settings.loraAlpha() != null ? settings.loraAlpha() : DEFAULT_LORA_ALPHA;
        if (!(alpha > 0)) throw invalid("lora_alpha", "lora_alpha must be > 0, got " + alpha);
        double dropout = settings.loraDropout() != null ? settings.loraDropout() : DEFAULT_LORA_DROPOUT;
        if (!(dropout >= 0 && dropout < 1)) throw invalid("lora_dropout", "lora_dropout must be in [0, 1), got " + dropout);
        Set<Projection> targets = targets(settings.loraTargets());
        if (continued != null) return new TrainableWeights.Lora(new LoraSpec(continued.rank(), continued.alpha(), dropout,
                continued.targets(), initSeed, continued.trainableTokens()));
        return new TrainableWeights.Lora(new LoraSpec(rank, alpha, dropout, targets, initSeed));
    }

    /**
     * The trainable tokens of LoRA {@code weights} (full fine-tuning: unchanged): the requested ids,
     * else those of the adapter training continues, else {@code endOfTurn} (the chat template's
     * end-of-turn tokens), so the end marker, a token LoRA alone cannot teach when its row never
     * trained, is learned with the answers. A continued adapter keeps its own ids.
     */
    public static TrainableWeights withTrainableTokens(TrainableWeights weights, TrainingSettings settings, int[] endOfTurn,
                                                       LoraSpec continued, int vocabSize) throws TrainingFailedException {
        if (!(weights instanceof TrainableWeights.Lora(LoraSpec spec))) {
            if (settings.trainableTokens() != null && !settings.trainableTokens().isEmpty()) {
                throw invalid("trainable_token_indices", "trainable_token_indices applies to LoRA; full fine-tuning trains every row");
            }
            return weights;
        }
        List<Integer> ids = settings.trainableTokens();
        if (continued != null) {
            if (ids != null && !ids.equals(continued.trainableTokens())) {
                throw invalid("trainable_token_indices", "the adapter being continued trains tokens " + continued.trainableTokens()
                        + "; trainable_token_indices cannot change them (got " + ids + ")");
            }
            ids = continued.trainableTokens();
        } else if (ids == null) {
            ids = Arrays.stream(endOfTurn).distinct().boxed().toList();
        }
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw invalid("trainable_token_indices", "token id " + id + " is outside the vocabulary (0.." + (vocabSize - 1) + ")");
            }
        }
        if (ids.stream().distinct().count() != ids.size()) {
            throw invalid("trainable_token_indices", "trainable_token_indices must be distinct, got " + ids);
        }
        return new TrainableWeights.Lora(spec.withTrainableTokens(ids));
    }

    private static Set<Projection> targets(List<String> names) throws TrainingFailedException {
        if (names == null) return EnumSet.allOf(Projection.class);
        if (names.isEmpty()) throw invalid("lora_target_modules", "lora_target_modules must name at least one module");
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        for (String name : names) {
            try {
                targets.addAll(Projection.parseModules(name));
            } catch (IllegalArgumentException e) {
                throw invalid("lora_target_modules", e.getMessage());
            }
        }
        return targets;
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
