package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.ConflictException;
import com.mka1.api.Page;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.FineTuningService;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.Method;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;

/** Many threads create, list, cancel, pause and resume at once; afterwards every job's history is consistent and durable. */
class ConcurrentJobsTest {
    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 25;

    @TempDir
    Path root;

    @Test
    void hammeringTheFacadeKeepsEveryInvariant() throws Exception {
        Mka1Fixture fixture = new Mka1Fixture(root);
        List<String> jobIds = new CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        Map<String, List<JobEvent>> finalEvents = new HashMap<>();
        try (EmbeddedMka1 mka1 = fixture.open(new StepTrainer(3).unlimited(), TokenCounter.APPROXIMATE, 2, 10_000)) {
            FineTuningService ft = mka1.fineTuning();
            String file = upload(mka1, Caller.NONE, chatLines(4)).id();
            JobCreateParams twoSteps = JobCreateParams.of(MODEL, file).withMethod(new Method.Supervised(
                    Hyperparameters.auto().withNEpochs(HyperparameterValue.of(1)))); // 4 examples, batch 2
            try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Random random = new Random(t);
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < OPS_PER_THREAD; i++) {
                            try {
                                int op = random.nextInt(6);
                                if (op == 0 || jobIds.isEmpty()) {
                                    jobIds.add(ft.create(twoSteps).id());
                                } else if (op == 1) {
                                    Page<FineTuningJob> page = ft.list(new JobListParams(100, null, null, false));
                                    assertThat(page.data().stream().map(FineTuningJob::id).distinct()).hasSize(page.data().size());
                                } else {
                                    String id = jobIds.get(random.nextInt(jobIds.size()));
                                    switch (op) {
                                        case 2 -> ft.cancel(id);
                                        case 3 -> ft.pause(id);
                                        case 4 -> ft.resume(id);
                                        default -> ft.listEvents(id, PageParams.FIRST);
                                    }
                                }
                            } catch (ConflictException expected) {
                                // the job was not in a state that allows the action: fine
                            } catch (Throwable e) {
                                unexpected.add(e);
                            }
                        }
                    }));
                }
                for (Future<?> f : done) f.get();
            }
            assertThat(unexpected).isEmpty();
            // let everything finish: resume what is paused until all jobs are terminal
            Mka1Fixture.await(() -> {
                boolean allTerminal = true;
                for (String id : jobIds) {
                    JobStatus s = ft.retrieve(id).status();
                    if (s == JobStatus.PAUSED) {
                        try {
                            ft.resume(id);
                        } catch (ConflictException raced) {
                            // paused -> something else meanwhile
                        }
                    }
                    allTerminal &= s.terminal();
                }
                return allTerminal;
            }, () -> "all jobs to finish");
            for (String id : jobIds) {
                FineTuningJob job = ft.retrieve(id);
                List<JobEvent> events = ft.listEvents(id, new PageParams(100, null)).data().reversed();
                checkHistory(job, events);
                finalEvents.put(id, events);
            }
            assertThat(ft.list(new JobListParams(100, null, null, false)).data()).hasSize(Math.min(100, jobIds.size()));
        }
        try (EmbeddedMka1 reopened = fixture.open(new StepTrainer(3))) { // no lost events: disk holds exactly what was served
            for (String id : jobIds) {
                assertThat(reopened.fineTuning().listEvents(id, new PageParams(100, null)).data().reversed())
                        .isEqualTo(finalEvents.get(id));
            }
        }
    }

    /** Replays a job's events: one terminal event, last of its status events, matching the final status; steps increase. */
    private static void checkHistory(FineTuningJob job, List<JobEvent> events) {
        assertThat(events.stream().map(JobEvent::id).distinct()).hasSize(events.size());
        assertThat(events.getFirst().message()).startsWith("Validating training file: ");
        List<String> terminal = events.stream().map(JobEvent::message)
                .filter(m -> m.equals("Job cancelled") || m.startsWith("Job failed") || m.equals("The job has successfully completed"))
                .toList();
        assertThat(terminal).as("terminal events of %s", job.id()).hasSize(1);
        assertThat(events.getLast().message()).isEqualTo(terminal.getFirst());
        JobStatus expected = switch (terminal.getFirst()) {
            case "Job cancelled" -> JobStatus.CANCELLED;
            case "The job has successfully completed" -> JobStatus.SUCCEEDED;
            default -> JobStatus.FAILED;
        };
        assertThat(job.status()).isEqualTo(expected);
        assertThat(job.error()).as("no internal errors (an illegal transition would be one)").isNull();
        int lastStep = 0;
        for (JobEvent e : events) {
            if (e.message().startsWith("Step ")) {
                int step = Integer.parseInt(e.message().substring(5, e.message().indexOf('/')));
                assertThat(step).isGreaterThan(lastStep);
                lastStep = step;
            }
        }
        if (expected == JobStatus.SUCCEEDED) assertThat(lastStep).isEqualTo(2);
    }
}
