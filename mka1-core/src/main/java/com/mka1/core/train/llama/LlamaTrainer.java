package com.mka1.core.train.llama;

import com.mka1.core.compute.Backends;
import com.mka1.core.data.ChatExample;
import com.mka1.core.data.InvalidExampleException;
import com.mka1.core.data.JsonlExamples;
import com.mka1.core.data.PreferenceExample;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.RandomInit;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.tokenizer.ChatTemplate;
import com.mka1.core.train.data.ChatExampleEncoder;
import com.mka1.core.train.data.LineList;
import com.mka1.core.train.data.PreferenceEncoder;
import com.mka1.core.train.loop.DpoObjective;
import com.mka1.core.train.loop.HyperparameterResolver;
import com.mka1.core.train.loop.ResolvedHyperparameters;
import com.mka1.core.train.loop.LoopOptions;
import com.mka1.core.train.loop.Objective;
import com.mka1.core.train.loop.SupervisedObjective;
import com.mka1.core.train.loop.TrainingLoop;
import com.mka1.core.train.optim.AdamW;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.BackendUnavailableException;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.MemoryInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingRun;
import com.mka1.core.train.TrainingSettings;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingFailedException;

/**
 * The production {@link Trainer}: loads the base model directory (config, weights, tokenizer,
 * chat template) onto the requested compute backend (or the best available), renders and packs
 * the training data, and runs the {@link TrainingLoop} with a supervised or DPO objective. The
 * final model (PEFT adapter for LoRA, full weights otherwise) goes to
 * {@code <outputDir>/model}, epoch checkpoints to {@code <outputDir>/checkpoints/step-N}.
 * Stateless between calls: a second call on the same state directory resumes.
 */
public final class LlamaTrainer implements Trainer {
    private static final Logger log = LoggerFactory.getLogger(LlamaTrainer.class);

    /**
     * Engine settings that are not part of a job.
     *
     * @param microBatchTokens     tokens per forward/backward call (bounds activation memory)
     * @param stateSaveInterval    resumable state is also saved this often between checkpoints
     * @param keepCheckpoints      epoch checkpoints kept on disk
     * @param recomputeActivations re-run each layer's forward during backward (less memory)
     * @param backend              options for opening the compute backend
     */
    public record Options(int microBatchTokens, Duration stateSaveInterval, int keepCheckpoints,
                          boolean recomputeActivations, BackendOptions backend) {
        public static Options defaults() {
            LoopOptions loop = LoopOptions.defaults();
            return new Options(8192, loop.stateSaveInterval(), loop.keepCheckpoints(), false, BackendOptions.defaults());
        }
    }

    private final Backends backends;
    private final Options options;

    /** Trains on the installed backends with default options. */
    public LlamaTrainer() {
        this(Backends.installed(), Options.defaults());
    }

    public LlamaTrainer(Backends backends, Options options) {
        this.backends = backends;
        this.options = options;
    }

    @Override
    public TrainingResult train(TrainingRun run, TrainingListener listener) throws TrainingFailedException {
        try {
            return trainChecked(run, listener);
        } catch (RuntimeException e) {
            log.error("job {}: training failed", run.jobId(), e);
            throw new TrainingFailedException("server_error", null, "training failed: " + e.getMessage(), e);
        }
    }

    private TrainingResult trainChecked(TrainingRun run, TrainingListener listener) throws TrainingFailedException {
        BaseModel base = BaseModel.open(run.baseModelDir(), run.baseModelId());
        LoraSpec continuedAdapter = base.continuedAdapter(run.settings());
        // max_seq_length does not depend on the data, and the data cannot be rendered without it
        int maxSeq = HyperparameterResolver.maxSeqLength(run.settings(), base.config().maxPositions());
        Prepared data = switch (run.method()) {
            case SUPERVISED -> supervised(run, base.template(), maxSeq, base.padId(), listener);
            case DPO -> preference(run, base.template(), maxSeq, base.padId(), listener);
        };
        ResolvedHyperparameters hp = HyperparameterResolver.resolve(run.settings(), data.trainingCount(),
                base.config().maxPositions(), run.seed(), continuedAdapter);
        hp = hp.withWeights(HyperparameterResolver.withTrainableTokens(hp.weights(), run.settings(), base.template().stopTokenIds(),
                continuedAdapter, base.config().vocabSize()));
        if (hp.weights() instanceof TrainableWeights.Lora(LoraSpec lora) && !lora.trainableTokens().isEmpty()) {
            log.info("job {}: LoRA also trains the embedding rows of token ids {}", run.jobId(), lora.trainableTokens());
        }
        if (hp.weights() instanceof TrainableWeights.Lora && RandomInit.marked(base.weightsDir())) {
            listener.message("warn", "The base model " + base.name() + " is randomly initialised (never pre-trained): "
                    + "LoRA only adapts it and will learn little; use a pretrained base such as mka1:tiny, "
                    + "or train every weight with hyperparameters.full_fine_tune");
        }
        try (ComputeDevice device = openDevice(run.settings().backend());
             LlamaModel model = base.load(device, hp.weights(), recompute(run.settings()))) {
            int rows = rowsPerMicroBatch(model, device, hp.maxSeqLength());
            log.info("job {}: training {} on {} ({}), {} examples, micro-batches of {} rows x {} tokens", run.jobId(),
                    run.baseModelDir(), device.backendName(), device.description(), data.trainingCount(), rows, hp.maxSeqLength());
            Objective objective = data.objective(hp, rows);
            LoopOptions loopOptions = new LoopOptions(options.stateSaveInterval(), options.keepCheckpoints(), AdamW.Config.defaults());
            TrainingLoop loop = new TrainingLoop(model, objective, hp, run.seed(),
                    new TrainingLoop.Directories(run.stateDir(), run.outputDir()),
                    new ModelOutput(model, base.weightsDir())::export,
                    backends.describe(device) + (recompute(run.settings()) ? ", activations recomputed in backward" : ""),
                    loopOptions);
            return loop.run(listener);
        }
    }

    /** The job's choice of activation recomputation, else this trainer's. */
    private boolean recompute(TrainingSettings settings) {
        return settings.recomputeActivations() != null ? settings.recomputeActivations() : options.recomputeActivations();
    }

    /**
     * Rows per forward/backward call: {@code microBatchTokens / max_seq_length}, fewer when the
     * activations would take more than half of the device memory left after weights, gradients
     * and AdamW moments (at least one row).
     */
    private int rowsPerMicroBatch(LlamaModel model, ComputeDevice device, int rowLength) {
        int rows = Math.max(1, options.microBatchTokens() / rowLength);
        MemoryInfo memory = device.memoryInfo();
        if (memory.total() <= 0) return rows;
        long moments = 2L * Float.BYTES * model.trainableValueCount();
        long budget = (memory.total() - memory.allocated() - moments) / 2;
        while (rows > 1 && model.activationBytes(rows * rowLength) > budget) rows--;
        return rows;
    }

    private ComputeDevice openDevice(String requested) throws TrainingFailedException {
        try {
            return backends.open(requested, options.backend());
        } catch (BackendUnavailableException e) {
            throw new TrainingFailedException("invalid_hyperparameters", "hyperparameters.backend", e.getMessage(), e);
        }
    }

    /** Encoded training data waiting for the resolved hyperparameters. */
    private interface Prepared {
        int trainingCount();

        Objective objective(ResolvedHyperparameters hp, int rowsPerMicroBatch);
    }

    private Prepared supervised(TrainingRun run, ChatTemplate template, int maxSeq, int padId, TrainingListener listener)
            throws TrainingFailedException {
        ChatExampleEncoder encoder = new ChatExampleEncoder(template, maxSeq);
        ChatExampleEncoder.Encoded training = encoder.encode(readChat(run.trainingFile(), "training_file", "invalid_training_file"));
        report(listener, "training", maxSeq, training.truncatedLines(), training.droppedLines());
        requireExamples(training.examples().size());
        ChatExampleEncoder.Encoded validation = run.validationFile() == null ? encoder.encode(List.of())
                : encoder.encode(readChat(run.validationFile(), "validation_file", "invalid_validation_file"));
        report(listener, "validation", maxSeq, validation.truncatedLines(), validation.droppedLines());
        return new Prepared() {
            @Override
            public int trainingCount() {
                return training.examples().size();
            }

            @Override
            public Objective objective(ResolvedHyperparameters hp, int rowsPerMicroBatch) {
                return new SupervisedObjective(training.examples(), validation.examples(), hp.maxSeqLength(), rowsPerMicroBatch, padId);
            }
        };
    }

    private Prepared preference(TrainingRun run, ChatTemplate template, int maxSeq, int padId, TrainingListener listener)
            throws TrainingFailedException {
        PreferenceEncoder encoder = new PreferenceEncoder(template, maxSeq);
        PreferenceEncoder.Encoded training = encoder.encode(readPreference(run.trainingFile(), "training_file", "invalid_training_file"));
        report(listener, "training", maxSeq, training.truncatedLines(), training.droppedLines());
        requireExamples(training.pairs().size());
        PreferenceEncoder.Encoded validation = run.validationFile() == null ? encoder.encode(List.of())
                : encoder.encode(readPreference(run.validationFile(), "validation_file", "invalid_validation_file"));
        report(listener, "validation", maxSeq, validation.truncatedLines(), validation.droppedLines());
        return new Prepared() {
            @Override
            public int trainingCount() {
                return training.pairs().size();
            }

            @Override
            public Objective objective(ResolvedHyperparameters hp, int rowsPerMicroBatch) {
                return new DpoObjective(training.pairs(), validation.pairs(), hp.beta(), padId);
            }
        };
    }

    private static void requireExamples(int count) throws TrainingFailedException {
        if (count == 0) {
            throw new TrainingFailedException("invalid_training_file", "training_file",
                    "no example has an assistant token to train on within max_seq_length");
        }
    }

    private static void report(TrainingListener listener, String file, int maxSeq, List<Integer> truncated, List<Integer> dropped) {
        if (!truncated.isEmpty()) {
            listener.message("warn", truncated.size() + " " + file + " example(s) longer than max_seq_length (" + maxSeq
                    + " tokens) were truncated to it: " + LineList.format(truncated));
        }
        if (!dropped.isEmpty()) {
            listener.message("warn", dropped.size() + " " + file + " example(s) were skipped because no assistant token"
                    + " to train on is left within max_seq_length: " + LineList.format(dropped));
        }
    }

    private static List<ChatExample> readChat(Path file, String param, String code) throws TrainingFailedException {
        try {
            return JsonlExamples.readChat(file);
        } catch (InvalidExampleException e) {
            throw new TrainingFailedException(code, param, e.getMessage(), e);
        } catch (IOException e) {
            throw new TrainingFailedException("server_error", param, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<PreferenceExample> readPreference(Path file, String param, String code) throws TrainingFailedException {
        try {
            return JsonlExamples.readPreference(file);
        } catch (InvalidExampleException e) {
            throw new TrainingFailedException(code, param, e.getMessage(), e);
        } catch (IOException e) {
            throw new TrainingFailedException("server_error", param, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
