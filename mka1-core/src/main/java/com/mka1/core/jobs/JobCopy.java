package com.mka1.core.jobs;

import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;

import java.util.List;
import java.util.Map;

/** A mutable copy of a job's fields, for building the next immutable {@link FineTuningJob}. */
final class JobCopy {
    private final FineTuningJob from;
    Long finishedAt;
    String fineTunedModel;
    List<String> resultFiles;
    JobStatus status;
    Method method;
    Long trainedTokens;
    JobError error;
    Long estimatedFinish;

    JobCopy(FineTuningJob job) {
        this.from = job;
        finishedAt = job.finishedAt();
        fineTunedModel = job.fineTunedModel();
        resultFiles = job.resultFiles();
        status = job.status();
        method = job.method();
        trainedTokens = job.trainedTokens();
        error = job.error();
        estimatedFinish = job.estimatedFinish();
    }

    FineTuningJob build() {
        List<JsonValue> integrations = from.integrations();
        Map<String, String> metadata = from.metadata();
        return new FineTuningJob(from.id(), from.model(), from.createdAt(), finishedAt, fineTunedModel,
                from.organizationId(), resultFiles, status, from.validationFile(), from.trainingFile(), method,
                trainedTokens, error, integrations, from.seed(), estimatedFinish, metadata, from.userProvidedSuffix(),
                from.user());
    }
}
