package com.mka1.api.finetuning;

import com.mka1.api.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to create a fine-tuning job. Ranges and references are checked by
 * {@link FineTuningService#create}; this record only requires the two mandatory fields. Start from
 * {@link #of} and add optional fields with the {@code with*} methods (each returns a copy).
 *
 * @param model          base model id (or a fine-tuned one, to continue)
 * @param trainingFile   id of a {@code fine-tune} file
 * @param validationFile id of a {@code fine-tune} file, or null
 * @param suffix         up to 64 chars of [a-zA-Z0-9_-], or null
 * @param seed           the seed, or null to generate one
 * @param method         objective and hyperparameters; null means supervised with all "auto"
 * @param metadata       up to 16 pairs (keys up to 64 chars, values up to 512), or null
 * @param integrations   stored and echoed, never called, or null
 */
public record JobCreateParams(String model, String trainingFile, String validationFile, String suffix, Long seed,
                              Method method, Map<String, String> metadata, List<JsonValue> integrations) {
    public JobCreateParams {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(trainingFile, "trainingFile");
        if (method == null) method = Method.Supervised.auto();
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        integrations = integrations == null ? null : List.copyOf(integrations);
    }

    /** A supervised job with every hyperparameter "auto". */
    public static JobCreateParams of(String model, String trainingFile) {
        return new JobCreateParams(model, trainingFile, null, null, null, null, null, null);
    }

    public JobCreateParams withValidationFile(String v) {
        return new JobCreateParams(model, trainingFile, v, suffix, seed, method, metadata, integrations);
    }

    public JobCreateParams withSuffix(String v) {
        return new JobCreateParams(model, trainingFile, validationFile, v, seed, method, metadata, integrations);
    }

    public JobCreateParams withSeed(Long v) {
        return new JobCreateParams(model, trainingFile, validationFile, suffix, v, method, metadata, integrations);
    }

    public JobCreateParams withMethod(Method v) {
        return new JobCreateParams(model, trainingFile, validationFile, suffix, seed, v, metadata, integrations);
    }

    public JobCreateParams withMetadata(Map<String, String> v) {
        return new JobCreateParams(model, trainingFile, validationFile, suffix, seed, method, v, integrations);
    }

    public JobCreateParams withIntegrations(List<JsonValue> v) {
        return new JobCreateParams(model, trainingFile, validationFile, suffix, seed, method, metadata, v);
    }
}
