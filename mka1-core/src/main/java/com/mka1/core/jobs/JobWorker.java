package com.mka1.core.jobs;

import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.jobs.store.JobLeases;
import com.mka1.core.jobs.store.LeaseSettings;
import com.mka1.core.jobs.store.StoredJob;
import com.mka1.api.InsufficientStorageException;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobError;
import com.mka1.core.files.FileStore;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.storage.DiskState;
import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Trains queued jobs on {@code concurrentJobs} worker threads: claims a job from the ledger,
 * runs the {@link Trainer} with a {@link TrainingProgress} that records what it reports, and
 * records the outcome (succeeded with its model and results file, paused, or failed). While the
 * data directory takes no writes, jobs wait in the queue; a job whose outcome could not be
 * recorded keeps its durable status and runs again (from its saved state) once it can be.
 */
final class JobWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);
    private static final long POLL_MILLIS = 100;
    private static final long RETRY_MILLIS = 1_000;

    private final JobLedger ledger;
    private final FileStore files;
    private final ModelRegistry models;
    private final Trainer trainer;
    private final String organizationId;
    private final DiskState disk;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final ExecutorService workers;
    /** The shared queue's leases (null: this server owns every job and the local queue is the queue). */
    private final JobLeases leases;
    private final LeaseSettings leaseSettings;
    private final ScheduledExecutorService heartbeats;
    /** Copies trainer state through the shared blob store (shared queue with shared files only), or null. */
    private final TrainingStateSync stateSync;
    private volatile boolean closing;

    JobWorker(JobLedger ledger, FileStore files, ModelRegistry models, Trainer trainer, String organizationId,
              DiskState disk, int threads, LeaseSettings leaseSettings) {
        this.ledger = ledger;
        this.leases = ledger.leases();
        this.leaseSettings = leaseSettings;
        this.stateSync = leases == null || files.shared() == null ? null : new TrainingStateSync(files.shared());
        this.heartbeats = leases == null ? null
                : Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("mka1-job-heartbeat").daemon(true).factory());
        this.files = files;
        this.models = models;
        this.trainer = trainer;
        this.organizationId = organizationId;
        this.disk = disk;
        this.workers = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("mka1-job-worker-", 0).daemon(true).factory());
        for (int i = 0; i < threads; i++) {
            String worker = leaseSettings == null ? null : leaseSettings.workerId() + "-" + (i + 1);
            workers.execute(leases == null ? this::workLoop : () -> sharedLoop(worker));
        }
    }

    void enqueue(String jobId) {
        if (leases == null) queue.add(jobId); // shared: the database is the queue
    }

    void dequeue(String jobId) {
        queue.remove(jobId);
    }

    /**
     * A worker of a shared queue: claims the oldest claimable job (queued, or running with no live
     * lease: its worker died), trains it while a heartbeat renews the lease, then releases it. A
     * lease lost (the database unreachable for longer than the lease, so another server may have
     * the job) stops the run at the next step; the other server's commits win.
     */
    private void sharedLoop(String worker) {
        boolean unreachable = false; // logged once per outage, not once per poll
        while (!closing) {
            Optional<String> claimed;
            try {
                claimed = disk.writable() ? leases.claimNext(worker, leaseSettings.lease()) : Optional.empty();
                if (unreachable) log.info("{}: the job queue is reachable again", worker);
                unreachable = false;
            } catch (IOException e) {
                if (!unreachable) log.warn("{}: cannot reach the job queue (retrying): {}", worker, e.getMessage());
                unreachable = true;
                claimed = Optional.empty();
            }
            if (claimed.isEmpty()) {
                try {
                    Thread.sleep(leaseSettings.poll().toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            String id = claimed.get();
            ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> renew(id, worker),
                    leaseSettings.heartbeat().toMillis(), leaseSettings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
            try {
                FineTuningJob before;
                ledger.refresh();
                before = ledger.get(id);
                if (before != null && before.status() != JobStatus.QUEUED) {
                    ledger.message(id, EventLevel.INFO, "Worker " + worker + " took over the job (its previous worker's"
                            + " lease ran out or it shut down); resuming from the last durable training state");
                }
                train(id);
            } catch (InsufficientStorageException e) {
                log.warn("job {}: {}; it keeps its recorded status and runs again when space is freed", id, e.getMessage());
                ledger.released(id);
            } catch (RuntimeException | Error e) {
                if (e.getCause() instanceof IOException) { // the job store, not the job: another claim runs it again
                    log.warn("job {}: could not be recorded ({}); it keeps its recorded status and is claimed again",
                            id, e.getMessage());
                    ledger.released(id);
                } else {
                    log.error("job {}: unexpected failure", id, e);
                    failAfterUnexpectedError(id, e);
                }
            } finally {
                heartbeat.cancel(false);
                try {
                    leases.release(id, worker);
                } catch (IOException e) {
                    log.warn("{}: could not release {} (its lease runs out by itself): {}", worker, id, e.getMessage());
                }
            }
        }
    }

    private void downloadState(String jobId, Path stateDir) {
        try {
            stateSync.download(jobId, stateDir);
        } catch (IOException e) { // the run starts over from step 0: slower, never wrong (same seed, same data)
            log.warn("{}: could not fetch its saved training state ({}); training from the start", jobId, e.getMessage());
        }
    }

    private void uploadState(String jobId, Path stateDir) {
        try {
            stateSync.upload(jobId, stateDir);
        } catch (IOException e) { // another server resuming this job starts from an older state
            log.warn("{}: could not share its training state: {}", jobId, e.getMessage());
        }
    }

    private void renew(String jobId, String worker) {
        try {
            if (!leases.renew(jobId, worker, leaseSettings.lease())) {
                log.warn("{} lost its lease on {}: another worker has it; stopping this run", worker, jobId);
                ledger.stopRun(jobId);
                return;
            }
            ledger.refresh(); // a pause or cancel made on another server reaches this run
        } catch (IOException | RuntimeException e) {
            log.warn("{}: heartbeat for {} failed: {}", worker, jobId, e.getMessage());
        }
    }

    private void workLoop() {
        while (!closing) {
            String id;
            try {
                id = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (id != null && !disk.writable()) { // nothing a run does could be recorded: wait for space
                    queue.add(id);
                    Thread.sleep(RETRY_MILLIS);
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            if (id == null) continue;
            try {
                train(id);
            } catch (InsufficientStorageException e) {
                log.warn("job {}: {}; it keeps its recorded status and runs again when space is freed", id, e.getMessage());
                ledger.released(id);
                queue.add(id);
            } catch (RuntimeException | Error e) { // an Error too (OutOfMemoryError from a model too large): the queue must go on
                log.error("job {}: unexpected failure", id, e);
                failAfterUnexpectedError(id, e);
            }
        }
    }

    /** Fails the job where its status allows (a paused one stays paused). Never throws. */
    private void failAfterUnexpectedError(String jobId, Throwable cause) {
        try {
            ledger.failRun(jobId, new JobError("server_error", "Internal error: " + cause.getMessage(), null));
        } catch (RuntimeException e) {
            log.error("job {}: could not record its failure; it keeps its recorded status", jobId, e);
            ledger.released(jobId);
            if (e instanceof InsufficientStorageException) queue.add(jobId);
        }
    }

    private void train(String jobId) {
        if (closing) return;
        FineTuningJob job = ledger.get(jobId);
        if (job == null) return;
        Optional<RegisteredModel> base = models.find(job.model());
        if (base.isEmpty()) {
            ledger.failRun(jobId, new JobError("model_not_found", "Model '" + job.model() + "' no longer exists.", "model"));
            return;
        }
        JobLedger.Claim claim = ledger.claim(jobId, j -> reserveModelName(j, base.get()));
        if (claim == null) return;
        String weightsModel = weightsModel(base.get());
        TrainingResult result;
        try {
            Path stateDir = createDir(ledger.store().stateDir(jobId));
            if (stateSync != null) downloadState(jobId, stateDir);
            TrainingRun run = new TrainingRun(jobId, job.model(), base.get().dir(), files.contentPath(job.trainingFile()),
                    job.validationFile() == null ? null : files.contentPath(job.validationFile()),
                    TrainingSettingsMapper.method(job.method()), TrainingSettingsMapper.settings(job.hyperparameters()),
                    job.seed(), stateDir, createDir(ledger.store().outputDir(jobId)));
            Runnable stateSaved = stateSync == null ? () -> { } : () -> uploadState(jobId, stateDir);
            result = trainer.train(run, new TrainingProgress(ledger, claim, models, organizationId, weightsModel, () -> closing,
                    stateSaved));
            if (result instanceof TrainingResult.Stopped) stateSaved.run();
        } catch (TrainingFailedException ex) {
            ledger.failRun(jobId, new JobError(ex.code(), ex.getMessage(), ex.param()));
            return;
        } catch (RuntimeException | Error ex) {
            ledger.released(jobId);
            throw ex;
        }
        switch (result) {
            case TrainingResult.Completed c -> succeed(jobId, claim.reservedModel(), c, weightsModel);
            case TrainingResult.Stopped s -> {
                if (ledger.paused(jobId, s.step())) return;
                FineTuningJob now = ledger.get(jobId);
                if (now.status().terminal()) return; // cancelled while the trainer wound down
                if (closing) {
                    log.info("{} stopped at step {} for shutdown", jobId, s.step());
                } else if (leases != null) {
                    log.warn("{} stopped at step {}: its lease went to another worker", jobId, s.step());
                    ledger.released(jobId);
                } else {
                    log.warn("{} stopped at step {} without a request; queueing it again", jobId, s.step());
                    queue.add(jobId);
                }
            }
        }
    }

    private void succeed(String jobId, String modelId, TrainingResult.Completed c, String weightsModel) {
        if (ledger.get(jobId).status().terminal()) { // cancelled while the trainer wound down
            ledger.released(jobId);
            return;
        }
        if (!models.exists(modelId)) {
            models.register(new RegisteredModel(modelId, c.modelDir(), ledger.now(), organizationId, ModelKind.FINE_TUNED,
                    weightsModel, jobId));
        }
        StoredJob stored = ledger.stored(jobId);
        byte[] csv = ResultsCsv.build(stored.events(), stored.checkpoints()).getBytes(StandardCharsets.UTF_8);
        var resultFile = files.storeGenerated(jobId + "_results.csv", FilePurpose.FINE_TUNE_RESULTS, csv, stored.record().job().user());
        if (ledger.succeed(jobId, modelId, c.trainedTokens(), resultFile.id())) log.info("{} succeeded: {}", jobId, modelId);
    }

    /** {@code ft:<base>:<suffix>}, or with {@code :<short id>} appended when there is no suffix or the name is taken. */
    private String reserveModelName(FineTuningJob job, RegisteredModel model) {
        String root = model.kind() == ModelKind.BASE || model.baseModel() == null ? model.id() : model.baseModel();
        String shortId = job.id().substring(job.id().indexOf('_') + 1, job.id().indexOf('_') + 9);
        String suffix = job.userProvidedSuffix();
        if (suffix != null) {
            String name = "ft:" + root + ":" + suffix;
            if (!models.exists(name) && !ledger.reserved(name)) return name;
            return name + ":" + shortId;
        }
        return "ft:" + root + ":" + shortId;
    }

    /**
     * The model whose weights the job's output sits on: training from a LoRA adapter continues that
     * adapter on its own base, so the new model records the base (serving does not stack adapters).
     */
    private static String weightsModel(RegisteredModel model) {
        boolean adapter = model.kind() != ModelKind.BASE && model.baseModel() != null
                && Files.isRegularFile(model.dir().resolve(PeftAdapter.CONFIG_FILE));
        return adapter ? model.baseModel() : model.id();
    }

    private static Path createDir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Stops taking work, asks running trainers to stop at their next step boundary (their jobs
     * stay {@code running} on disk and resume on the next open) and waits for the workers.
     */
    @Override
    public void close() {
        closing = true;
        workers.shutdown();
        if (heartbeats != null) heartbeats.shutdown();
        try {
            if (!workers.awaitTermination(60, TimeUnit.SECONDS)) log.warn("job workers did not stop within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
