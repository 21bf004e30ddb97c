package com.mka1.store.postgres;

import com.mka1.store.postgres.testing.LocalPostgres;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.jobs.store.JobRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.mka1.core.contract.JobStoreContract.commit;
import static com.mka1.core.contract.JobStoreContract.job;
import static com.mka1.core.contract.JobStoreContract.metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared queue on a real PostgreSQL, with two stores standing for two servers (each its own
 * connection pool): a job is claimed by exactly one worker, a live lease keeps it, and an expired
 * one hands it to the other server, whose commits then win over the dead worker's.
 */
class PostgresLeasesTest {
    private static final Duration SHORT = Duration.ofMillis(400);
    private static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    Path scratch;
    private PostgresJobStore nodeA;
    private PostgresJobStore nodeB;

    @BeforeEach
    void open() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        nodeA = PostgresJobStore.open(url, 4, scratch.resolve("a"));
        nodeB = PostgresJobStore.open(url, 4, scratch.resolve("b"));
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    private JobRecord queued(PostgresJobStore store, String id, long seq) throws IOException {
        return commit(store, null, JobRecord.created(job(id, JobStatus.QUEUED), seq), List.of(), null);
    }

    @Test
    void eightWorkersOnTwoServersClaimEachOfFortyJobsExactlyOnce() throws Exception {
        for (int i = 0; i < 40; i++) queued(i % 2 == 0 ? nodeA : nodeB, "ftjob_%02d".formatted(i), i);
        Map<String, List<String>> claims = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int w = 0; w < 8; w++) {
                PostgresJobStore store = w % 2 == 0 ? nodeA : nodeB;
                String worker = (w % 2 == 0 ? "a-" : "b-") + w;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (Optional<String> id; (id = store.claimNext(worker, LONG)).isPresent(); ) {
                        claims.computeIfAbsent(id.get(), k -> new CopyOnWriteArrayList<>()).add(worker);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : workers) f.get();
        }
        assertThat(claims).hasSize(40);
        assertThat(claims.values()).allSatisfy(holders -> assertThat(holders).hasSize(1));
        for (var e : claims.entrySet()) assertThat(nodeB.holder(e.getKey())).contains(e.getValue().getFirst());
        assertThat(nodeA.claimNext("a-late", LONG)).isEmpty();
    }

    @Test
    void aDeadWorkersJobIsClaimedByTheOtherServerOnceItsLeaseRunsOut() throws Exception {
        queued(nodeA, "ftjob_first", 0);
        JobRecord job = queued(nodeA, "ftjob_x", 1);
        assertThat(nodeA.claimNext("a-1", LONG)).contains("ftjob_first");
        assertThat(nodeA.claimNext("a-2", SHORT)).contains("ftjob_x");
        JobRecord running = commit(nodeA, job, job.withJob(job("ftjob_x", JobStatus.RUNNING)).withSteps(3, 10),
                List.of(metrics("ftevent_3", 3)), null);

        // a-2 dies: no more heartbeats. While its lease lives, nobody else gets the job.
        assertThat(nodeB.claimNext("b-1", SHORT)).isEmpty();
        Thread.sleep(SHORT.toMillis() + 200);
        assertThat(nodeB.holder("ftjob_x")).isEmpty();
        assertThat(nodeB.claimNext("b-1", LONG)).contains("ftjob_x");
        assertThat(nodeB.holder("ftjob_x")).contains("b-1");

        // b-1 resumes from the durable state; the old worker, if it was only slow, can no longer renew or commit.
        JobRecord loaded = nodeB.loadAll().stream().filter(s -> s.record().id().equals("ftjob_x")).findFirst()
                .orElseThrow().record();
        assertThat(loaded).isEqualTo(running);
        JobRecord resumed = commit(nodeB, loaded, loaded.withSteps(4, 10), List.of(metrics("ftevent_4", 4)), null);
        assertThat(nodeA.renew("ftjob_x", "a-2", LONG)).isFalse();
        assertThatThrownBy(() -> commit(nodeA, running, running.withSteps(4, 10), List.of(metrics("ftevent_4_again", 4)), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("changed by another server");
        assertThat(nodeA.loadAll().stream().filter(s -> s.record().id().equals("ftjob_x")).findFirst().orElseThrow().events())
                .extracting(e -> e.id()).containsExactly("ftevent_3", "ftevent_4");
        assertThat(resumed.version()).isEqualTo(3);
        assertThat(nodeA.holder("ftjob_first")).contains("a-1"); // the live lease is untouched
    }

    @Test
    void aHeartbeatKeepsTheLeaseAndTheEndOfARunFreesOrEndsIt() throws Exception {
        JobRecord job = queued(nodeA, "ftjob_x", 0);
        assertThat(nodeA.claimNext("a-1", SHORT)).contains("ftjob_x");
        for (int i = 0; i < 6; i++) { // 1.2 s of heartbeats, three leases long
            Thread.sleep(200);
            assertThat(nodeA.renew("ftjob_x", "a-1", SHORT)).isTrue();
            assertThat(nodeB.claimNext("b-1", SHORT)).isEmpty();
        }
        // A server shut down cleanly releases its job: the other claims it at once, still running.
        JobRecord running = commit(nodeA, job, job.withJob(job("ftjob_x", JobStatus.RUNNING)), List.of(), null);
        nodeA.release("ftjob_x", "a-1");
        assertThat(nodeB.claimNext("b-1", LONG)).contains("ftjob_x");
        // A terminal status ends the lease with the run: nothing is left to claim.
        commit(nodeB, running, running.withJob(job("ftjob_x", JobStatus.SUCCEEDED)), List.of(), null);
        assertThat(nodeB.holder("ftjob_x")).isEmpty();
        assertThat(nodeA.claimNext("a-1", LONG)).isEmpty();
        assertThat(nodeA.renew("ftjob_x", "b-1", LONG)).isFalse();
    }

    @Test
    void serversStartingTogetherMigrateTheSchemaOnce() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        List<PostgresJobStore> stores = new CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> opens = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                opens.add(pool.submit(() -> stores.add(PostgresJobStore.open(url, 1, scratch.resolve("s" + n)))));
            }
            for (Future<?> f : opens) f.get();
        }
        try (ConnectionPool pool = new ConnectionPool(url, 1)) {
            var c = pool.acquire();
            try (var rs = c.createStatement().executeQuery("SELECT count(*), max(version) FROM mka1_schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getInt(2)).isEqualTo(Schema.MIGRATIONS.size());
            }
            pool.release(c, false);
        }
        stores.forEach(PostgresJobStore::close);
    }
}
