package com.mka1.api.finetuning;

import com.mka1.api.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fine-tuning job ({@code "object": "fine_tuning.job"}). The top-level {@code hyperparameters}
 * of the wire form is {@link #hyperparameters()}, the method's.
 *
 * @param id                 {@code ftjob_} + 32 hex
 * @param model              base model id (or a fine-tuned one being continued)
 * @param createdAt          Unix seconds
 * @param finishedAt         Unix seconds once terminal, else null
 * @param fineTunedModel     {@code ft:<base>:<suffix>[:<short id>]} once succeeded, else null
 * @param organizationId     the organisation the job belongs to
 * @param resultFiles        ids of result files ({@code fine-tune-results} CSV of per-step metrics)
 * @param status             current status
 * @param validationFile     validation file id, or null
 * @param trainingFile       training file id
 * @param method             objective and hyperparameters ("auto" values resolved once running)
 * @param trainedTokens      billable tokens (tokens per epoch x epochs) once known, else null
 * @param error              why the job failed, else null
 * @param integrations       integrations as given at creation (stored and echoed), or null
 * @param seed               the seed (generated when the request had none)
 * @param estimatedFinish    Unix seconds estimate while running, else null
 * @param metadata           up to 16 key/value pairs, or null
 * @param userProvidedSuffix the suffix from the request, or null
 * @param user               the end user ({@code X-On-Behalf-Of}) the job was created for, or null
 */
public record FineTuningJob(String id, String model, long createdAt, Long finishedAt, String fineTunedModel,
                            String organizationId, List<String> resultFiles, JobStatus status, String validationFile,
                            String trainingFile, Method method, Long trainedTokens, JobError error,
                            List<JsonValue> integrations, long seed, Long estimatedFinish, Map<String, String> metadata,
                            String userProvidedSuffix, String user) {
    public FineTuningJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trainingFile, "trainingFile");
        Objects.requireNonNull(method, "method");
        resultFiles = List.copyOf(resultFiles);
        integrations = integrations == null ? null : List.copyOf(integrations);
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The method's hyperparameters (the deprecated top-level field). */
    public Hyperparameters hyperparameters() {
        return method.hyperparameters();
    }
}
