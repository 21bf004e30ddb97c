package com.mka1.api.finetuning;

import com.mka1.api.Page;
import com.mka1.api.PageParams;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code /fine_tuning/jobs} resource, bound to one {@link com.mka1.api.Caller}: it sees the
 * jobs {@link com.mka1.api.Caller#canSee} allows, and other end users' ids are
 * {@link com.mka1.api.NotFoundException}.
 * Lists are newest first; an unknown {@code after} id is an {@link com.mka1.api.InvalidRequestException}
 * on {@code after}. State changes not allowed in the job's status throw
 * {@link com.mka1.api.ConflictException} naming the status. Thread-safe.
 */
public interface FineTuningService {
    /** Validates the request and creates a job (status {@code validating_files}); files are checked asynchronously. */
    FineTuningJob create(JobCreateParams params);

    FineTuningJob retrieve(String jobId);

    Page<FineTuningJob> list(JobListParams params);

    /** Cancels a job that is not terminal. */
    FineTuningJob cancel(String jobId);

    /** Pauses a running job ({@code pausing}, then {@code paused}) or a queued one (straight to {@code paused}). */
    FineTuningJob pause(String jobId);

    /** Resumes a paused job: back to {@code queued}, then running from the saved state. */
    FineTuningJob resume(String jobId);

    /** The job's events, newest first (default limit 20). */
    Page<JobEvent> listEvents(String jobId, PageParams params);

    /** The job's checkpoints, newest first (default limit 10). */
    Page<Checkpoint> listCheckpoints(String jobId, PageParams params);

    /**
     * The job's events after {@code afterEventId} (null: all of them), oldest first: what an
     * application prints to follow a job, call after call, passing the last id it printed. An id
     * that is not one of the job's events is an {@link com.mka1.api.InvalidRequestException}.
     */
    default List<JobEvent> eventsSince(String jobId, String afterEventId) {
        List<JobEvent> newestFirst = new ArrayList<>();
        String cursor = null;
        while (true) {
            Page<JobEvent> page = listEvents(jobId, new PageParams(100, cursor));
            for (JobEvent e : page.data()) {
                if (e.id().equals(afterEventId)) {
                    return newestFirst.reversed();
                }
                newestFirst.add(e);
            }
            if (!page.hasMore() || page.data().isEmpty()) break;
            cursor = page.data().getLast().id();
        }
        if (afterEventId != null) {
            throw new com.mka1.api.InvalidRequestException("Invalid 'after': job " + jobId + " has no event '" + afterEventId
                    + "'.", "after", "invalid_value");
        }
        return newestFirst.reversed();
    }
}
