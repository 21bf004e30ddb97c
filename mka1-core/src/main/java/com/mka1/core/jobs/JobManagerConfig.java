package com.mka1.core.jobs;

import com.mka1.core.data.TokenCounter;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of the job manager.
 *
 * @param concurrentJobs jobs trained at once (worker threads)
 * @param queueCapacity  jobs that may wait (validating or queued) before create answers 429
 * @param minExamples    fewest examples a training file may have
 * @param tokenCounter   token estimate for validation (the engine may pass its tokenizer)
 * @param organizationId the {@code organization_id} shown on jobs
 * @param clock          time source for timestamps
 */
public record JobManagerConfig(int concurrentJobs, int queueCapacity, int minExamples, TokenCounter tokenCounter,
                               String organizationId, Clock clock) {
    public JobManagerConfig {
        if (concurrentJobs < 1) throw new IllegalArgumentException("concurrentJobs must be at least 1: " + concurrentJobs);
        if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
        if (minExamples < 1) throw new IllegalArgumentException("minExamples must be at least 1: " + minExamples);
        Objects.requireNonNull(tokenCounter, "tokenCounter");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(clock, "clock");
    }
}
