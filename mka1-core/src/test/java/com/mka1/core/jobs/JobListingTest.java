package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.ConflictException;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.NotFoundException;
import com.mka1.api.Page;
import com.mka1.api.PageParams;
import com.mka1.api.RateLimitException;
import com.mka1.api.files.FileDeleted;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.FineTuningService;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.awaitStatus;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobListingTest {
    @TempDir
    Path root;

    private EmbeddedMka1 mka1;

    @AfterEach
    void close() {
        if (mka1 != null) mka1.close();
    }

    /** Jobs that fail validation at once (1 example), so listing tests need no training. */
    private FineTuningJob failingJob(Caller caller, Map<String, String> metadata) {
        String file = upload(mka1, caller, chatLines(1)).id();
        FineTuningJob job = mka1.fineTuning(caller).create(JobCreateParams.of(MODEL, file).withMetadata(metadata));
        return awaitStatus(mka1, caller, job.id(), JobStatus.FAILED);
    }

    private List<String> ids(Page<FineTuningJob> page) {
        return page.data().stream().map(FineTuningJob::id).toList();
    }

    @Test
    void paginationNewestFirstWithLimitBoundsAndUnknownAfter() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100));
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob a = failingJob(Caller.NONE, null), b = failingJob(Caller.NONE, null), c = failingJob(Caller.NONE, null);
        assertThat(ids(ft.list(JobListParams.ALL))).containsExactly(c.id(), b.id(), a.id());
        Page<FineTuningJob> first = ft.list(new JobListParams(2, null, null, false));
        assertThat(ids(first)).containsExactly(c.id(), b.id());
        assertThat(first.hasMore()).isTrue();
        assertThat(first.firstId()).isEqualTo(c.id());
        assertThat(first.lastId()).isEqualTo(b.id());
        Page<FineTuningJob> second = ft.list(new JobListParams(2, first.lastId(), null, false));
        assertThat(ids(second)).containsExactly(a.id());
        assertThat(second.hasMore()).isFalse();
        Page<FineTuningJob> empty = ft.list(new JobListParams(2, a.id(), null, false));
        assertThat(empty).isEqualTo(new Page<FineTuningJob>(List.of(), false, null, null));
        assertThat(ids(ft.list(new JobListParams(1, null, null, false)))).containsExactly(c.id());
        assertThat(ids(ft.list(new JobListParams(100, null, null, false)))).hasSize(3);
        assertThatThrownBy(() -> ft.list(new JobListParams(0, null, null, false)))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Invalid 'limit': 0 (must be between 1 and 100).");
        assertThatThrownBy(() -> ft.list(new JobListParams(101, null, null, false)))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Invalid 'limit': 101 (must be between 1 and 100).");
        assertThatThrownBy(() -> ft.list(new JobListParams(null, "ftjob_unknown", null, false)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("after"))
                .hasMessage("Invalid 'after': no object with id 'ftjob_unknown' in this list.");
        assertThatThrownBy(() -> new JobListParams(null, null, Map.of("k", "v"), true))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("metadata"))
                .hasMessage("metadata=null cannot be combined with metadata[KEY] filters");
    }

    @Test
    void eventsPageNewestFirst() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100));
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob job = failingJob(Caller.NONE, null); // events: validating, failed
        Page<JobEvent> all = ft.listEvents(job.id(), PageParams.FIRST);
        assertThat(all.data()).extracting(JobEvent::message).containsExactly(
                "Job failed: Training file has 1 example; at least 4 required.", "Validating training file: " + job.trainingFile());
        Page<JobEvent> one = ft.listEvents(job.id(), PageParams.of(1));
        assertThat(one.hasMore()).isTrue();
        Page<JobEvent> rest = ft.listEvents(job.id(), new PageParams(1, one.lastId()));
        assertThat(rest.data()).extracting(JobEvent::message).containsExactly("Validating training file: " + job.trainingFile());
        assertThat(rest.hasMore()).isFalse();
        assertThatThrownBy(() -> ft.listEvents(job.id(), new PageParams(101, null))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ft.listEvents(job.id(), new PageParams(null, "ftevent_x")))
                .hasMessage("Invalid 'after': no object with id 'ftevent_x' in this list.");
        assertThat(ft.listCheckpoints(job.id(), PageParams.FIRST)).isEqualTo(new Page<>(List.of(), false, null, null));
        assertThatThrownBy(() -> ft.listEvents("ftjob_nope", PageParams.FIRST)).isInstanceOf(NotFoundException.class)
                .hasMessage("No such fine-tuning job: ftjob_nope");
    }

    @Test
    void metadataFilters() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100));
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob none = failingJob(Caller.NONE, null);
        FineTuningJob v1 = failingJob(Caller.NONE, Map.of("experiment", "v1", "team", "a"));
        FineTuningJob v2 = failingJob(Caller.NONE, Map.of("experiment", "v2", "team", "a"));
        FineTuningJob empty = failingJob(Caller.NONE, Map.of());
        assertThat(ids(ft.list(new JobListParams(null, null, Map.of("experiment", "v1"), false)))).containsExactly(v1.id());
        assertThat(ids(ft.list(new JobListParams(null, null, Map.of("team", "a"), false)))).containsExactly(v2.id(), v1.id());
        assertThat(ids(ft.list(new JobListParams(null, null, Map.of("team", "a", "experiment", "v2"), false)))).containsExactly(v2.id());
        assertThat(ids(ft.list(new JobListParams(null, null, Map.of("team", "b"), false)))).isEmpty();
        assertThat(ids(ft.list(new JobListParams(null, null, null, true)))).containsExactly(empty.id(), none.id());
        assertThat(none.metadata()).isNull();
        assertThat(empty.metadata()).isEmpty();
    }

    @Test
    void endUsersSeeTheirOwnAndSharedJobsAndTheKeyHolderSeesAll() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100));
        Caller alice = Caller.onBehalfOf("alice");
        FineTuningJob hers = failingJob(alice, null);
        FineTuningJob anon = failingJob(Caller.NONE, null);
        assertThat(hers.user()).isEqualTo("alice");
        assertThat(anon.user()).isNull();
        assertThat(ids(mka1.fineTuning(alice).list(JobListParams.ALL))).containsExactly(anon.id(), hers.id());
        assertThat(ids(mka1.fineTuning().list(JobListParams.ALL))).containsExactly(anon.id(), hers.id());
        assertThat(mka1.fineTuning().retrieve(hers.id())).isEqualTo(mka1.fineTuning(alice).retrieve(hers.id()));
        FineTuningService bob = mka1.fineTuning(Caller.onBehalfOf("bob"));
        assertThat(ids(bob.list(JobListParams.ALL))).containsExactly(anon.id());
        assertThat(bob.retrieve(anon.id()).id()).isEqualTo(anon.id());
        assertThat(bob.listEvents(anon.id(), PageParams.FIRST).data()).isNotEmpty();
        assertThatThrownBy(() -> bob.retrieve(hers.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.cancel(hers.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.listEvents(hers.id(), PageParams.FIRST)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.listCheckpoints(hers.id(), PageParams.FIRST)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.list(new JobListParams(null, hers.id(), null, false)))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void filesInUseCannotBeDeletedAndAFullQueueAnswers429() {
        StepTrainer trainer = new StepTrainer(100);
        mka1 = new Mka1Fixture(root).open(trainer, com.mka1.core.data.TokenCounter.APPROXIMATE, 1, 1);
        String file = upload(mka1, Caller.NONE, chatLines(4)).id();
        FineTuningJob running = mka1.fineTuning().create(JobCreateParams.of(MODEL, file));
        awaitStatus(mka1, Caller.NONE, running.id(), JobStatus.RUNNING);
        assertThatThrownBy(() -> mka1.files().delete(file)).isInstanceOf(ConflictException.class)
                .hasMessage("File " + file + " is in use by job " + running.id() + " (running); cancel the job or wait for it to finish.");
        FineTuningJob waiting = mka1.fineTuning().create(JobCreateParams.of(MODEL, file));
        awaitStatus(mka1, Caller.NONE, waiting.id(), JobStatus.QUEUED);
        assertThatThrownBy(() -> mka1.fineTuning().create(JobCreateParams.of(MODEL, file)))
                .isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.httpStatus()).isEqualTo(429))
                .hasMessage("Too many fine-tuning jobs waiting (1); try again when some have started.");
        mka1.fineTuning().cancel(waiting.id());
        mka1.fineTuning().cancel(running.id());
        assertThat(mka1.files().delete(file)).isEqualTo(new FileDeleted(file, true));
    }
}
