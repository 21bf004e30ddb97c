package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.core.files.FileStore;
import com.mka1.core.files.StoredFile;
import com.mka1.core.json.Metadata;
import com.mka1.core.json.Quoted;
import com.mka1.core.registry.ModelAccess;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a create request before a job exists: the model is known, the files exist, are
 * visible to the caller and have purpose {@code fine-tune}, and suffix, seed, hyperparameters
 * and metadata are within the spec's limits. Each failure names its field.
 */
final class JobRequestValidator {
    private static final Pattern SUFFIX = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern BACKEND = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Set<String> LORA_TARGETS = Set.of("q", "k", "v", "o", "gate", "up", "down");

    /** Largest lora_alpha accepted: the scale alpha / rank stays a sane float. */
    static final double MAX_LORA_ALPHA = 65536;

    private final ModelAccess models;
    private final FileStore files;
    private final List<String> backends;

    /** @param backends the names of the installed compute backends (a job may name only one of them) */
    JobRequestValidator(ModelAccess models, FileStore files, List<String> backends) {
        this.models = models;
        this.files = files;
        this.backends = List.copyOf(backends);
    }

    void validate(JobCreateParams p, Caller caller) {
        if (models.describe(p.model(), caller).isEmpty()) {
            throw new InvalidRequestException("Model " + Quoted.prefix(p.model()) + " not found.", "model", "model_not_found");
        }
        checkFile(p.trainingFile(), "training_file", "invalid_training_file", caller);
        if (p.validationFile() != null) checkFile(p.validationFile(), "validation_file", "invalid_validation_file", caller);
        if (p.suffix() != null && !SUFFIX.matcher(p.suffix()).matches()) {
            throw new InvalidRequestException("Invalid 'suffix': " + Quoted.prefix(p.suffix())
                    + " (1 to 64 characters of a-z, A-Z, 0-9, '_' and '-').", "suffix", "invalid_value");
        }
        if (p.seed() != null && (p.seed() < 0 || p.seed() > Integer.MAX_VALUE)) {
            throw new InvalidRequestException("Invalid 'seed': " + p.seed() + " (must be between 0 and 2147483647).", "seed", "invalid_value");
        }
        checkHyperparameters(p.method().hyperparameters(), "method." + p.method().type() + ".hyperparameters");
        if (p.metadata() != null) Metadata.check(p.metadata());
    }

    private void checkFile(String id, String param, String invalidCode, Caller caller) {
        StoredFile f = files.find(id);
        if (f == null || !caller.canSee(f.owner())) {
            throw new InvalidRequestException("File " + Quoted.prefix(id) + " not found (" + param + ").", param, "file_not_found");
        }
        if (f.file().purpose() != FilePurpose.FINE_TUNE) {
            throw new InvalidRequestException("File '" + id + "' has purpose '" + f.file().purpose().wireName()
                    + "'; " + param + " needs purpose 'fine-tune'.", param, invalidCode);
        }
    }

    private void checkHyperparameters(Hyperparameters h, String path) {
        intRange(h.nEpochs(), path, "n_epochs", 1, 50);
        intRange(h.batchSize(), path, "batch_size", 1, 256);
        positiveUpTo(h.learningRateMultiplier(), path, "learning_rate_multiplier", 10);
        if (h.beta() != null) positiveUpTo(h.beta(), path, "beta", 2);
        EngineSettings e = h.engine();
        if (e.loraRank() != null && (e.loraRank() < 1 || e.loraRank() > 1024)) {
            throw bad(path, "lora_rank", e.loraRank() + " (must be an integer between 1 and 1024)");
        }
        if (e.loraAlpha() != null && !(e.loraAlpha() > 0)) throw bad(path, "lora_alpha", e.loraAlpha() + " (must be > 0)");
        if (e.loraAlpha() != null && e.loraAlpha() > MAX_LORA_ALPHA) {
            throw bad(path, "lora_alpha", e.loraAlpha() + " (must be <= " + (int) MAX_LORA_ALPHA + ")");
        }
        fraction(e.loraDropout(), path, "lora_dropout");
        fraction(e.warmupRatio(), path, "warmup_ratio");
        if (e.lrScheduler() != null && !Set.of("linear", "cosine").contains(e.lrScheduler())) {
            throw bad(path, "lr_scheduler", "'" + e.lrScheduler() + "' (expected 'linear' or 'cosine')");
        }
        if (e.maxSeqLength() != null && (e.maxSeqLength() < 16 || e.maxSeqLength() > 131072)) {
            throw bad(path, "max_seq_length", e.maxSeqLength() + " (must be an integer between 16 and 131072)");
        }
        if (e.backend() != null && !BACKEND.matcher(e.backend()).matches()) {
            throw bad(path, "backend", "'" + e.backend() + "' (a backend name such as 'reference', 'cpu' or 'cuda')");
        }
        if (e.backend() != null && !backends.contains(e.backend())) {
            throw bad(path, "backend", "'" + e.backend() + "' is not installed (installed: " + String.join(", ", backends) + ")");
        }
        if (e.trainableTokenIndices() != null) {
            if (Boolean.TRUE.equals(e.fullFineTune()) && !e.trainableTokenIndices().isEmpty()) {
                throw bad(path, "trainable_token_indices", e.trainableTokenIndices() + " (only with LoRA: full fine-tuning trains every row)");
            }
            if (e.trainableTokenIndices().stream().anyMatch(id -> id < 0)
                    || e.trainableTokenIndices().stream().distinct().count() != e.trainableTokenIndices().size()) {
                throw bad(path, "trainable_token_indices", e.trainableTokenIndices() + " (distinct token ids >= 0)");
            }
        }
        if (e.loraTargetModules() != null) {
            if (e.loraTargetModules().isEmpty()) throw bad(path, "lora_target_modules", "[] (name at least one module)");
            for (String m : e.loraTargetModules()) {
                if (!LORA_TARGETS.contains(m.endsWith("_proj") ? m.substring(0, m.length() - 5) : m)) {
                    throw bad(path, "lora_target_modules", "'" + m + "' (expected q, k, v, o, gate, up, down or their *_proj names)");
                }
            }
        }
    }

    private static void intRange(HyperparameterValue<Integer> v, String path, String name, int min, int max) {
        Integer x = v.valueOrNull();
        if (x != null && (x < min || x > max)) {
            throw bad(path, name, x + " (must be \"auto\" or an integer between " + min + " and " + max + ")");
        }
    }

    private static void positiveUpTo(HyperparameterValue<Double> v, String path, String name, double max) {
        Double x = v.valueOrNull();
        if (x != null && !(x > 0 && x <= max)) {
            throw bad(path, name, x + " (must be \"auto\" or a number > 0 and <= " + (int) max + ")");
        }
    }

    private static void fraction(Double x, String path, String name) {
        if (x != null && !(x >= 0 && x < 1)) throw bad(path, name, x + " (must be >= 0 and < 1)");
    }

    private static InvalidRequestException bad(String path, String name, String detail) {
        return new InvalidRequestException("Invalid '" + name + "': " + detail + ".", path + "." + name, "invalid_hyperparameters");
    }
}
