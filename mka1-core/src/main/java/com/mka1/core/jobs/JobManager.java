package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.JsonValue;
import com.mka1.api.NotFoundException;
import com.mka1.api.Page;
import com.mka1.api.PageParams;
import com.mka1.api.RateLimitException;
import com.mka1.api.ServerException;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.Ids;
import com.mka1.core.data.DataFileRole;
import com.mka1.core.data.TrainingFileException;
import com.mka1.core.data.TrainingFileValidator;
import com.mka1.core.files.FileStore;
import com.mka1.core.files.FileUsage;
import com.mka1.core.files.StoredFile;
import com.mka1.core.models.ModelKind;
import com.mka1.core.models.ModelRegistry;
import com.mka1.core.models.RegisteredModel;
import com.mka1.core.paging.CursorPaging;
import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static com.mka1.api.finetuning.JobStatus.*;

/**
 * Owns every fine-tuning job: validates create requests, runs the state machine
 * ({@link JobTransitions}), validates files on a virtual thread per job, trains queued jobs on
 * {@code concurrentJobs} worker threads through the {@link Trainer}, and records events,
 * checkpoints, result files and fine-tuned models. All state changes hold one lock and are
 * written durably before they become visible; on open, unfinished jobs continue where they were.
 */
public final class JobManager implements FileUsage, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobManager.class);
    private static final long POLL_MILLIS = 100;

    private final JobStore store;
    private final FileStore files;
    private final ModelRegistry models;
    private final Trainer trainer;
    private final JobManagerConfig config;
    private final JobRequestValidator requests;
    private final TrainingFileValidator dataValidator;

    private final Object lock = new Object();
    private final Map<String, JobEntry> jobs = new LinkedHashMap<>();
    private long nextSeq;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final ExecutorService workers;
    private final ExecutorService validations = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closing;

    private JobManager(JobStore store, FileStore files, ModelRegistry models, Trainer trainer, JobManagerConfig config) {
        this.store = store;
        this.files = files;
        this.models = models;
        this.trainer = trainer;
        this.config = config;
        this.requests = new JobRequestValidator(models, files);
        this.dataValidator = new TrainingFileValidator(config.minExamples(), config.tokenCounter());
        this.workers = Executors.newFixedThreadPool(config.concurrentJobs(),
                Thread.ofPlatform().name("mka1-job-worker-", 0).daemon(true).factory());
    }

    /** Loads the jobs under {@code dir} and continues the unfinished ones. */
    public static JobManager open(Path dir, FileStore files, ModelRegistry models, Trainer trainer, JobManagerConfig config)
            throws IOException {
        JobManager m = new JobManager(new JobStore(dir), files, models, trainer, config);
        m.recover();
        for (int i = 0; i < config.concurrentJobs(); i++) m.workers.execute(m::workLoop);
        return m;
    }

    private void recover() throws IOException {
        List<String> resumeFirst = new ArrayList<>();
        List<String> queuedAgain = new ArrayList<>();
        synchronized (lock) {
            for (JobEntry e : store.loadAll()) {
                jobs.put(e.id(), e);
                nextSeq = Math.max(nextSeq, e.seq + 1);
                switch (e.job.status()) {
                    case VALIDATING_FILES -> validations.execute(() -> validate(e.id()));
                    case QUEUED -> queuedAgain.add(e.id());
                    case RUNNING, PAUSING -> {
                        addEvent(e, EventLevel.INFO, "Job resumed after restart");
                        resumeFirst.add(e.id());
                    }
                    default -> { }
                }
            }
        }
        queue.addAll(resumeFirst);
        queue.addAll(queuedAgain);
        log.info("job manager: {} jobs loaded, {} resumed, {} queued", jobs.size(), resumeFirst.size(), queuedAgain.size());
    }

    // ---- API operations (all callers see only their own jobs) ----

    public FineTuningJob create(JobCreateParams params, Caller caller) {
        requests.validate(params, caller);
        long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextInt(0, Integer.MAX_VALUE);
        synchronized (lock) {
            long waiting = jobs.values().stream().filter(e -> e.job.status() == VALIDATING_FILES || e.job.status() == QUEUED).count();
            if (waiting >= config.queueCapacity()) {
                throw new RateLimitException("Too many fine-tuning jobs waiting (" + waiting + "); try again when some have started.",
                        null, "queue_full");
            }
            FineTuningJob job = new FineTuningJob(Ids.newId("ftjob"), params.model(), now(), null, null, config.organizationId(),
                    List.of(), VALIDATING_FILES, params.validationFile(), params.trainingFile(), params.method(), null, null,
                    params.integrations(), seed, null, params.metadata(), params.suffix(), caller.endUserId());
            JobEntry e = new JobEntry(job, nextSeq++);
            jobs.put(job.id(), e);
            save(e);
            addEvent(e, EventLevel.INFO, "Validating training file: " + job.trainingFile()
                    + (job.validationFile() == null ? "" : " and validation file: " + job.validationFile()));
            log.info("created {} (model {}, training file {})", job.id(), job.model(), job.trainingFile());
            validations.execute(() -> validate(job.id()));
            return job;
        }
    }

    public FineTuningJob retrieve(String jobId, Caller caller) {
        synchronized (lock) {
            return visible(jobId, caller).job;
        }
    }

    public Page<FineTuningJob> list(JobListParams params, Caller caller) {
        List<FineTuningJob> ordered;
        synchronized (lock) {
            ordered = jobs.values().stream()
                    .filter(e -> caller.canSee(e.job.user()))
                    .filter(e -> matches(e.job.metadata(), params))
                    .sorted(Comparator.comparingLong((JobEntry e) -> e.seq).reversed())
                    .map(e -> e.job).toList();
        }
        return CursorPaging.page(ordered, FineTuningJob::id, params.limit(), params.after(), CursorPaging.JOBS);
    }

    private static boolean matches(Map<String, String> metadata, JobListParams params) {
        if (params.withoutMetadata()) return metadata == null || metadata.isEmpty();
        if (params.metadata().isEmpty()) return true;
        return metadata != null && metadata.entrySet().containsAll(params.metadata().entrySet());
    }

    public FineTuningJob cancel(String jobId, Caller caller) {
        synchronized (lock) {
            JobEntry e = visible(jobId, caller);
            if (e.job.status().terminal()) throw JobTransitions.refused("cancel", jobId, e.job.status());
            e.stopRequested = true;
            queue.remove(jobId);
            finish(e, CANCELLED, null);
            addEvent(e, EventLevel.INFO, "Job cancelled");
            return e.job;
        }
    }

    public FineTuningJob pause(String jobId, Caller caller) {
        synchronized (lock) {
            JobEntry e = visible(jobId, caller);
            switch (e.job.status()) {
                case RUNNING -> {
                    e.stopRequested = true;
                    setStatus(e, PAUSING); // "paused" once the trainer has saved its state
                    addEvent(e, EventLevel.INFO, "Pausing job: stopping at the next step boundary");
                }
                case QUEUED -> {
                    queue.remove(jobId);
                    setStatus(e, PAUSED);
                    addEvent(e, EventLevel.INFO, "Job paused");
                }
                default -> throw JobTransitions.refused("pause", jobId, e.job.status());
            }
            return e.job;
        }
    }

    public FineTuningJob resume(String jobId, Caller caller) {
        synchronized (lock) {
            JobEntry e = visible(jobId, caller);
            if (e.job.status() != PAUSED) throw JobTransitions.refused("resume", jobId, e.job.status());
            setStatus(e, QUEUED);
            addEvent(e, EventLevel.INFO, "Job resumed");
            queue.add(jobId);
            return e.job;
        }
    }

    public Page<JobEvent> listEvents(String jobId, PageParams params, Caller caller) {
        List<JobEvent> newestFirst;
        synchronized (lock) {
            newestFirst = new ArrayList<>(visible(jobId, caller).events).reversed();
        }
        return CursorPaging.page(newestFirst, JobEvent::id, params.limit(), params.after(), CursorPaging.EVENTS);
    }

    public Page<Checkpoint> listCheckpoints(String jobId, PageParams params, Caller caller) {
        List<Checkpoint> newestFirst;
        synchronized (lock) {
            newestFirst = visible(jobId, caller).checkpoints.stream()
                    .sorted(Comparator.comparingInt(Checkpoint::stepNumber).reversed()).toList();
        }
        return CursorPaging.page(newestFirst, Checkpoint::id, params.limit(), params.after(), CursorPaging.CHECKPOINTS);
    }

    /** A file is in use while a job that is not terminal names it. */
    @Override
    public Optional<String> activeUser(String fileId) {
        synchronized (lock) {
            return jobs.values().stream()
                    .filter(e -> !e.job.status().terminal())
                    .filter(e -> fileId.equals(e.job.trainingFile()) || fileId.equals(e.job.validationFile()))
                    .findFirst().map(e -> "job " + e.id() + " (" + e.job.status().wireName() + ")");
        }
    }

    // ---- file validation ----

    private void validate(String jobId) {
        FineTuningJob job;
        synchronized (lock) {
            JobEntry e = jobs.get(jobId);
            if (e == null || e.job.status() != VALIDATING_FILES) return;
            job = e.job;
        }
        JobError error = null;
        try {
            Integer context = models.contextLength(job.model()).orElse(null);
            var method = TrainingSettingsMapper.method(job.method());
            dataValidator.validate(existingFile(job.trainingFile(), DataFileRole.TRAINING), DataFileRole.TRAINING, method, context);
            if (job.validationFile() != null) {
                dataValidator.validate(existingFile(job.validationFile(), DataFileRole.VALIDATION), DataFileRole.VALIDATION, method, context);
            }
        } catch (TrainingFileException ex) {
            error = new JobError(ex.code(), ex.getMessage(), ex.param());
        } catch (IOException | RuntimeException ex) {
            log.error("validating files of {} failed", jobId, ex);
            error = new JobError("server_error", "Could not read the training data: " + ex.getMessage(), null);
        }
        synchronized (lock) {
            JobEntry e = jobs.get(jobId);
            // Cancelled meanwhile, or shutting down (validation starts again on the next open).
            if (e == null || e.job.status() != VALIDATING_FILES || closing) return;
            if (error != null) {
                fail(e, error);
                return;
            }
            setStatus(e, QUEUED);
            addEvent(e, EventLevel.INFO, "Files validated, moving job to queued state");
            queue.add(jobId);
        }
    }

    private Path existingFile(String fileId, DataFileRole role) throws TrainingFileException {
        StoredFile f = files.find(fileId);
        if (f == null || f.file().purpose() != FilePurpose.FINE_TUNE) {
            throw new TrainingFileException("file_not_found", role.param(), "File " + fileId + " no longer exists.");
        }
        return files.contentPath(fileId);
    }

    // ---- training ----

    private void workLoop() {
        while (!closing) {
            String id;
            try {
                id = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (id == null) continue;
            try {
                train(id);
            } catch (RuntimeException e) {
                log.error("job {}: unexpected failure", id, e);
                synchronized (lock) {
                    JobEntry entry = jobs.get(id);
                    if (entry != null && !entry.job.status().terminal()) {
                        fail(entry, new JobError("server_error", "Internal error: " + e.getMessage(), null));
                    }
                }
            }
        }
    }

    private void train(String jobId) {
        JobEntry e;
        TrainingRun run;
        synchronized (lock) {
            e = jobs.get(jobId);
            if (e == null || closing) return;
            JobStatus status = e.job.status();
            if (status == QUEUED) {
                setStatus(e, RUNNING);
                if (e.lastStep == 0) addEvent(e, EventLevel.INFO, "Fine-tuning job started");
            } else if (status != RUNNING && status != PAUSING) {
                return; // paused or cancelled while waiting
            }
            Optional<RegisteredModel> base = models.find(e.job.model());
            if (base.isEmpty()) {
                fail(e, new JobError("model_not_found", "Model '" + e.job.model() + "' no longer exists.", "model"));
                return;
            }
            if (e.reservedModel == null) e.reservedModel = reserveModelName(e, base.get());
            e.stopRequested = status == PAUSING;
            e.runStartedMillis = config.clock().millis();
            e.stepsThisRun = 0;
            save(e);
            FineTuningJob job = e.job;
            run = new TrainingRun(job.id(), job.model(), base.get().dir(), files.contentPath(job.trainingFile()),
                    job.validationFile() == null ? null : files.contentPath(job.validationFile()),
                    TrainingSettingsMapper.method(job.method()), TrainingSettingsMapper.settings(job.hyperparameters()),
                    job.seed(), createDir(store.stateDir(jobId)), createDir(store.outputDir(jobId)));
        }
        TrainingResult result;
        try {
            result = trainer.train(run, new Listener(e));
        } catch (TrainingFailedException ex) {
            synchronized (lock) {
                if (!e.job.status().terminal()) fail(e, new JobError(ex.code(), ex.getMessage(), ex.param()));
            }
            return;
        }
        synchronized (lock) {
            if (e.job.status().terminal()) return; // cancelled while the trainer wound down
            switch (result) {
                case TrainingResult.Completed c -> succeed(e, c);
                case TrainingResult.Stopped s when e.job.status() == PAUSING -> {
                    setStatus(e, PAUSED);
                    addEvent(e, EventLevel.INFO, "Job paused at step " + s.step());
                }
                case TrainingResult.Stopped s when closing -> log.info("{} stopped at step {} for shutdown", jobId, s.step());
                case TrainingResult.Stopped s -> {
                    log.warn("{} stopped at step {} without a request; queueing it again", jobId, s.step());
                    queue.add(jobId);
                }
            }
        }
    }

    /** {@code ft:<base>:<suffix>}, or with {@code :<short id>} appended when there is no suffix or the name is taken. */
    private String reserveModelName(JobEntry e, RegisteredModel model) {
        String root = model.kind() == ModelKind.BASE || model.baseModel() == null ? model.id() : model.baseModel();
        String shortId = e.id().substring(e.id().indexOf('_') + 1, e.id().indexOf('_') + 9);
        String suffix = e.job.userProvidedSuffix();
        if (suffix != null) {
            String name = "ft:" + root + ":" + suffix;
            if (!nameTaken(name)) return name;
            return name + ":" + shortId;
        }
        return "ft:" + root + ":" + shortId;
    }

    private boolean nameTaken(String name) {
        return models.exists(name) || jobs.values().stream().anyMatch(j -> name.equals(j.reservedModel));
    }

    private void succeed(JobEntry e, TrainingResult.Completed c) {
        String modelId = e.reservedModel;
        if (!models.exists(modelId)) {
            models.register(new RegisteredModel(modelId, c.modelDir(), now(), config.organizationId(), ModelKind.FINE_TUNED,
                    e.job.model(), e.id()));
        }
        byte[] csv = ResultsCsv.build(e.events, e.checkpoints).getBytes(StandardCharsets.UTF_8);
        var resultFile = files.storeGenerated(e.id() + "_results.csv", FilePurpose.FINE_TUNE_RESULTS, csv, e.job.user());
        JobCopy next = new JobCopy(e.job);
        next.fineTunedModel = modelId;
        next.trainedTokens = c.trainedTokens();
        next.resultFiles = List.of(resultFile.id());
        e.job = next.build();
        addEvent(e, EventLevel.INFO, "New fine-tuned model created: " + modelId);
        finish(e, SUCCEEDED, null);
        addEvent(e, EventLevel.INFO, "The job has successfully completed");
        log.info("{} succeeded: {}", e.id(), modelId);
    }

    private void fail(JobEntry e, JobError error) {
        finish(e, FAILED, error);
        addEvent(e, EventLevel.ERROR, "Job failed: " + error.message());
        log.info("{} failed: {} ({})", e.id(), error.message(), error.code());
    }

    /** Callbacks of one run; ignored once the job is terminal (a cancel raced the trainer). */
    private final class Listener implements TrainingListener {
        private final JobEntry e;

        Listener(JobEntry e) {
            this.e = e;
        }

        @Override
        public void started(TrainingPlan plan) {
            synchronized (lock) {
                if (e.job.status().terminal()) return;
                boolean fresh = plan.startStep() == 0 && e.lastStep == 0 && e.totalSteps == 0;
                e.totalSteps = plan.totalSteps();
                JobCopy next = new JobCopy(e.job);
                next.method = e.job.method().withHyperparameters(TrainingSettingsMapper.resolved(e.job.hyperparameters(), plan));
                next.trainedTokens = plan.tokensPerEpoch() * plan.nEpochs();
                e.job = next.build();
                save(e);
                if (fresh) {
                    addEvent(e, EventLevel.INFO, String.format(Locale.ROOT,
                            "Training on %d examples: %d epochs, batch size %d, learning rate %.3g, %d steps, backend %s",
                            plan.examples(), plan.nEpochs(), plan.batchSize(), plan.learningRate(), plan.totalSteps(), plan.backend()));
                }
            }
        }

        @Override
        public void step(StepMetrics m) {
            synchronized (lock) {
                if (e.job.status().terminal() || m.step() <= e.lastStep) return; // replayed after a restart
                e.lastStep = m.step();
                e.totalSteps = m.totalSteps();
                e.stepsThisRun++;
                long elapsed = config.clock().millis() - e.runStartedMillis;
                long remainingMillis = elapsed / e.stepsThisRun * (m.totalSteps() - m.step());
                JobCopy next = new JobCopy(e.job);
                next.estimatedFinish = (config.clock().millis() + remainingMillis) / 1000;
                e.job = next.build();
                Map<String, JsonValue> data = new LinkedHashMap<>();
                data.put("step", JsonValue.Num.of(m.step()));
                data.put("total_steps", JsonValue.Num.of(m.totalSteps()));
                data.put("train_loss", number(m.trainLoss()));
                data.put("train_mean_token_accuracy", number(m.trainAccuracy()));
                data.put("learning_rate", number(m.learningRate()));
                data.put("tokens", JsonValue.Num.of(m.tokens()));
                addEvent(e, EventLevel.INFO, EventType.METRICS, String.format(Locale.ROOT, "Step %d/%d: training loss=%.3f",
                        m.step(), m.totalSteps(), m.trainLoss()), new JsonValue.Obj(data));
                save(e);
            }
        }

        @Override
        public void checkpoint(CheckpointInfo info) {
            synchronized (lock) {
                if (e.job.status().terminal()) return;
                if (e.checkpoints.stream().anyMatch(c -> c.stepNumber() == info.step())) return;
                String modelId = e.reservedModel + ":ckpt-step-" + info.step();
                if (!models.exists(modelId)) {
                    models.register(new RegisteredModel(modelId, info.modelDir(), now(), config.organizationId(),
                            ModelKind.CHECKPOINT, e.job.model(), e.id()));
                }
                Map<String, Double> mt = info.metrics();
                Checkpoint c = new Checkpoint(Ids.newId("ftckpt"), now(), modelId, e.id(), info.step(),
                        new CheckpointMetrics(info.step(), mt.get("train_loss"), mt.get("train_mean_token_accuracy"),
                                mt.get("valid_loss"), mt.get("valid_mean_token_accuracy"), mt.get("full_valid_loss"),
                                mt.get("full_valid_mean_token_accuracy")));
                try {
                    store.saveCheckpoint(e.id(), c);
                } catch (IOException ex) {
                    throw new UncheckedIOException("could not record checkpoint of " + e.id(), ex);
                }
                e.checkpoints.add(c);
                addEvent(e, EventLevel.INFO, "Checkpoint created at step " + info.step());
            }
        }

        @Override
        public void message(String level, String text) {
            synchronized (lock) {
                if (!e.job.status().terminal()) addEvent(e, EventLevel.fromWire(level), text);
            }
        }

        @Override
        public boolean stopRequested() {
            return e.stopRequested || closing;
        }
    }

    private static JsonValue number(double v) {
        return Double.isFinite(v) ? JsonValue.Num.of(v) : JsonValue.Null.INSTANCE;
    }

    // ---- state helpers (hold the lock) ----

    private void setStatus(JobEntry e, JobStatus to) {
        JobTransitions.check(e.id(), e.job.status(), to);
        JobCopy next = new JobCopy(e.job);
        next.status = to;
        if (to != RUNNING && to != PAUSING) next.estimatedFinish = null;
        e.job = next.build();
        save(e);
    }

    private void finish(JobEntry e, JobStatus to, JobError error) {
        JobTransitions.check(e.id(), e.job.status(), to);
        JobCopy next = new JobCopy(e.job);
        next.status = to;
        next.error = error;
        next.finishedAt = now();
        next.estimatedFinish = null;
        e.job = next.build();
        save(e);
    }

    private void addEvent(JobEntry e, EventLevel level, String message) {
        addEvent(e, level, EventType.MESSAGE, message, JsonValue.Null.INSTANCE);
    }

    private void addEvent(JobEntry e, EventLevel level, EventType type, String message, JsonValue data) {
        JobEvent event = new JobEvent(Ids.newId("ftevent"), now(), level, message, type, data);
        try {
            store.saveEvent(e.id(), e.events.size(), event);
        } catch (IOException ex) {
            throw new ServerException("Could not record an event of " + e.id() + ": " + ex.getMessage(), null, null, ex);
        }
        e.events.add(event);
    }

    private void save(JobEntry e) {
        try {
            store.saveJob(e);
        } catch (IOException ex) {
            throw new ServerException("Could not save job " + e.id() + ": " + ex.getMessage(), null, null, ex);
        }
    }

    private JobEntry visible(String jobId, Caller caller) {
        JobEntry e = jobs.get(jobId);
        if (e == null || !caller.canSee(e.job.user())) {
            throw new NotFoundException("No such fine-tuning job: " + jobId, "fine_tuning_job_id", "job_not_found");
        }
        return e;
    }

    private long now() {
        return config.clock().instant().getEpochSecond();
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
        validations.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(60, TimeUnit.SECONDS)) log.warn("job workers did not stop within 60 s");
            validations.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests and metrics: jobs waiting in the queue. */
    int queued() {
        return queue.size();
    }
}
