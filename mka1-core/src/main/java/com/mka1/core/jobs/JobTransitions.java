package com.mka1.core.jobs;

import com.mka1.api.ConflictException;
import com.mka1.api.finetuning.JobStatus;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static com.mka1.api.finetuning.JobStatus.*;

/**
 * The job state machine of the API spec, in one table:
 * <pre>
 * validating_files -> queued | failed | cancelled
 * queued           -> running | paused | cancelled
 * running          -> succeeded | failed | pausing | cancelled
 * pausing          -> paused | failed | cancelled | succeeded (the last step ended before the pause took hold)
 * paused           -> queued | cancelled
 * </pre>
 * Every status change goes through {@link #check}, so an illegal one is a bug caught at once.
 */
final class JobTransitions {
    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
            VALIDATING_FILES, EnumSet.of(QUEUED, FAILED, CANCELLED),
            QUEUED, EnumSet.of(RUNNING, PAUSED, CANCELLED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, PAUSING, CANCELLED),
            PAUSING, EnumSet.of(PAUSED, FAILED, CANCELLED, SUCCEEDED),
            PAUSED, EnumSet.of(QUEUED, CANCELLED),
            SUCCEEDED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class));

    private JobTransitions() {}

    static boolean allowed(JobStatus from, JobStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** Throws an internal error for a transition the table forbids (a bug, not a client error). */
    static void check(String jobId, JobStatus from, JobStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("illegal transition of " + jobId + ": " + from.wireName() + " -> " + to.wireName());
        }
    }

    /** The client-facing refusal: 409 naming the action and the current status. */
    static ConflictException refused(String action, String jobId, JobStatus current) {
        return new ConflictException("Cannot " + action + " job " + jobId + ": its status is " + current.wireName() + ".",
                null, "invalid_job_state");
    }
}
