package com.mka1.store.postgres;

import com.mka1.store.postgres.testing.LocalPostgres;
import com.mka1.api.Caller;
import com.mka1.api.NotFoundException;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.jobs.store.LeaseSettings;
import com.mka1.core.storage.blob.FileBlobStore;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import com.mka1.core.train.TrainingPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mka1.api.files.FileListParams;
import com.mka1.api.files.FileObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two engines, each with its own workers, connection pool and data directory, share one job
 * queue on a real PostgreSQL: any node answers for any job, each job is trained by exactly one
 * worker, and a job whose worker is cut off from the database is taken over by the other node
 * once its lease runs out, with no event lost or duplicated. Files are shared through a blob
 * store (the directory implementation here; S3 passes the same contract in mka1-store-s3).
 */
class SharedQueueTest {
    private static final Duration LEASE = Duration.ofMillis(1_000);

    @TempDir
    Path root;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) c.close();
    }

    private record Node(EmbeddedMka1 mka1, PostgresJobStore store, StepTrainer trainer) {}

    private Node node(String name, PostgresUrl url, StepTrainer trainer) throws IOException {
        Mka1Fixture fixture = new Mka1Fixture(root.resolve(name));
        PostgresJobStore store = PostgresJobStore.open(url, 4, fixture.dataDir.resolve("scratch"));
        opened.add(store);
        EmbeddedMka1 mka1 = EmbeddedMka1.builder().dataDir(fixture.dataDir).modelsDir(fixture.modelsDir).trainer(trainer)
                .minExamples(4).concurrentJobs(2).tokenCounter(TokenCounter.APPROXIMATE)
                .blobs(new FileBlobStore(root.resolve("shared-blobs")))
                .jobStore(store, new LeaseSettings(name, LEASE, Duration.ofMillis(250), Duration.ofMillis(50))).build();
        opened.add(mka1);
        return new Node(mka1, store, trainer);
    }

    private static JobCreateParams twoEpochs(String file) { // 4 examples, batch 2: 4 steps
        return JobCreateParams.of(MODEL, file).withMethod(new Method.Supervised(
                Hyperparameters.auto().withNEpochs(HyperparameterValue.of(2))));
    }

    private static List<Integer> metricSteps(List<JobEvent> events) {
        return events.stream().filter(e -> e.type() == EventType.METRICS)
                .map(e -> ((com.mka1.api.JsonValue.Num) ((com.mka1.api.JsonValue.Obj) e.data()).fields().get("step")).value().intValue())
                .sorted(Comparator.naturalOrder()).toList();
    }

    private static List<JobEvent> allEvents(EmbeddedMka1 mka1, String jobId) {
        return mka1.fineTuning().listEvents(jobId, new PageParams(100, null)).data();
    }

    @Test
    void twoNodesShareTheQueueAndTrainEachJobExactlyOnce() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        Node a = node("a", url, new StepTrainer(2).unlimited());
        String file = upload(a.mka1(), Caller.NONE, chatLines(4)).id();
        Node b = node("b", url, new StepTrainer(2).unlimited());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) ids.add((i % 2 == 0 ? a : b).mka1().fineTuning().create(twoEpochs(file)).id());

        for (int i = 0; i < ids.size(); i++) { // each job awaited through the node that did not create it
            Mka1Fixture.awaitStatus((i % 2 == 0 ? b : a).mka1(), Caller.NONE, ids.get(i), JobStatus.SUCCEEDED);
        }
        Set<String> trainedOnA = new HashSet<>(a.trainer().runs);
        Set<String> trainedOnB = new HashSet<>(b.trainer().runs);
        assertThat(a.trainer().runs).doesNotHaveDuplicates();
        assertThat(b.trainer().runs).doesNotHaveDuplicates();
        assertThat(trainedOnA).doesNotContainAnyElementsOf(trainedOnB);
        Set<String> trained = new HashSet<>(trainedOnA);
        trained.addAll(trainedOnB);
        assertThat(trained).containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            assertThat(metricSteps(allEvents(a.mka1(), id))).containsExactly(1, 2, 3, 4);
            assertThat(allEvents(a.mka1(), id)).isEqualTo(allEvents(b.mka1(), id));
        }
        List<String> listedByA = a.mka1().fineTuning().list(new JobListParams(100, null, null, false)).data().stream()
                .map(FineTuningJob::id).toList();
        List<String> listedByB = b.mka1().fineTuning().list(new JobListParams(100, null, null, false)).data().stream()
                .map(FineTuningJob::id).toList();
        assertThat(listedByA).containsExactlyInAnyOrderElementsOf(ids).isEqualTo(listedByB);
    }

    @Test
    void aFileUploadedThroughOneNodeIsListedReadAndDeletedThroughTheOther() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        Node a = node("a", url, new StepTrainer(2));
        Node b = node("b", url, new StepTrainer(2));
        String content = chatLines(5);
        FileObject uploaded = upload(a.mka1(), Caller.NONE, content);
        assertThat(b.mka1().files().retrieve(uploaded.id())).isEqualTo(uploaded);
        try (InputStream in = b.mka1().files().content(uploaded.id())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(content);
        }
        assertThat(b.mka1().files().list(FileListParams.ALL).data()).containsExactly(uploaded);
        assertThat(b.mka1().files().delete(uploaded.id()).deleted()).isTrue();
        assertThat(a.mka1().files().list(FileListParams.ALL).data()).isEmpty();
    }

    @Test
    void aFileDeletedThroughOneNodeIsGoneByIdOnTheOtherAtOnce() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        Node a = node("a", url, new StepTrainer(2));
        Node b = node("b", url, new StepTrainer(2));
        FileObject uploaded = upload(a.mka1(), Caller.NONE, chatLines(5));
        try (InputStream in = b.mka1().files().content(uploaded.id())) { // b has the file and its content cached
            assertThat(in.readAllBytes()).hasSize((int) uploaded.bytes());
        }
        assertThat(a.mka1().files().delete(uploaded.id()).deleted()).isTrue();
        assertThatThrownBy(() -> b.mka1().files().retrieve(uploaded.id())).isInstanceOf(NotFoundException.class)
                .hasMessage("No such File object: " + uploaded.id());
        assertThatThrownBy(() -> b.mka1().files().content(uploaded.id())).isInstanceOf(NotFoundException.class);
        assertThat(root.resolve("b/data/files/" + uploaded.id() + ".content")).doesNotExist();
    }

    @Test
    void aJobWhoseWorkerIsCutOffIsTakenOverByTheOtherNodeAfterItsLease() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        StepTrainer stalls = new StepTrainer(2); // two steps, then waits for permits that never come
        stalls.steps.release(2);
        Node a = node("a", url, stalls);
        String file = upload(a.mka1(), Caller.NONE, chatLines(4)).id();
        String id = a.mka1().fineTuning().create(twoEpochs(file)).id();
        Mka1Fixture.await(() -> metricSteps(allEvents(a.mka1(), id)).equals(List.of(1, 2)), () -> "two steps on node a");
        assertThat(a.store().holder(id)).hasValueSatisfying(h -> assertThat(h).matches("a-[12]"));

        a.store().close(); // node a loses the database: no more heartbeats, no more commits
        long cutOff = System.nanoTime();
        Node b = node("b", url, new StepTrainer(2).unlimited());
        Mka1Fixture.awaitStatus(b.mka1(), Caller.NONE, id, JobStatus.SUCCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - cutOff)).isGreaterThanOrEqualTo(LEASE.minusMillis(300));

        List<JobEvent> events = allEvents(b.mka1(), id).reversed(); // oldest first
        assertThat(metricSteps(events)).containsExactly(1, 2, 3, 4);
        assertThat(events.stream().map(JobEvent::id)).doesNotHaveDuplicates();
        List<String> messages = events.stream().map(JobEvent::message).toList();
        int takeOver = IntStream.range(0, messages.size()).filter(i -> messages.get(i).startsWith("Worker b-")).findFirst()
                .orElseThrow(() -> new AssertionError("no hand-over event in " + messages));
        assertThat(messages.get(takeOver)).matches("Worker b-[12] took over the job \\(its previous worker's lease ran out"
                + " or it shut down\\); resuming from the last durable training state");
        // The hand-over comes after node a's two steps and before the steps node b recorded.
        assertThat(events.subList(0, takeOver).stream().filter(e -> e.type() == EventType.METRICS)).hasSize(2);
        assertThat(messages.getLast()).isEqualTo("The job has successfully completed");
        assertThat(b.trainer().runs).containsExactly(id);
        assertThat(stalls.runs).containsExactly(id);
    }

    @Test
    void aJobPausedOnOneNodeResumesOnTheOtherFromTheStateItSavedThroughTheBlobStore() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        StepTrainer onA = new StepTrainer(2);
        onA.steps.release(2);
        Node a = node("a", url, onA);
        String file = upload(a.mka1(), Caller.NONE, chatLines(4)).id();
        String id = a.mka1().fineTuning().create(twoEpochs(file)).id();
        Mka1Fixture.await(() -> metricSteps(allEvents(a.mka1(), id)).equals(List.of(1, 2)), () -> "two steps on node a");
        a.mka1().fineTuning().pause(id);
        Mka1Fixture.awaitStatus(a.mka1(), Caller.NONE, id, JobStatus.PAUSED);
        opened.remove(a.mka1());
        a.mka1().close(); // node a is gone; its saved state is in the blob store

        Node b = node("b", url, new StepTrainer(2).unlimited());
        b.mka1().fineTuning().resume(id);
        Mka1Fixture.awaitStatus(b.mka1(), Caller.NONE, id, JobStatus.SUCCEEDED);
        assertThat(onA.plans).extracting(TrainingPlan::startStep).containsExactly(0);
        assertThat(b.trainer().plans).extracting(TrainingPlan::startStep).containsExactly(2);
        assertThat(metricSteps(allEvents(b.mka1(), id))).containsExactly(1, 2, 3, 4);
    }
}
