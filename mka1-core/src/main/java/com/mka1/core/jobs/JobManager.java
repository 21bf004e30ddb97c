package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.JsonValue;
import com.mka1.api.Page;
import com.mka1.api.PageParams;
import com.mka1.api.RateLimitException;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.storage.Ids;
import com.mka1.core.data.DataFileRole;
import com.mka1.core.data.TrainingFileException;
import com.mka1.core.data.TrainingFileValidator;
import com.mka1.core.files.FileStore;
import com.mka1.core.files.FileUsage;
import com.mka1.core.files.StoredFile;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.registry.ModelAccess;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.paging.CursorPaging;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    private final FileStore files;
    private final ModelRegistry models;
    private final Trainer trainer;
    private final JobManagerConfig config;
    private final JobRequestValidator requests;
    private final TrainingFileValidator dataValidator;

    private final JobLedger ledger;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final ExecutorService workers;
    private final ExecutorService validations = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closing;

    private JobManager(JobStore store, FileStore files, ModelRegistry models, Trainer trainer, JobManagerConfig config) {
        this.ledger = new JobLedger(store, config.clock());
        this.files = files;
        this.models = models;
        this.trainer = trainer;
        this.config = config;
        this.requests = new JobRequestValidator(new ModelAccess(models, this::endUserOf), files);
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
        int loaded;
        synchronized (ledger) {
            List<JobEntry> entries = ledger.load();
            loaded = entries.size();
            for (JobEntry e : entries) {
                switch (e.job.status()) {
                    case VALIDATING_FILES -> validations.execute(() -> validate(e.id()));
                    case QUEUED -> queuedAgain.add(e.id());
                    case RUNNING, PAUSING -> {
                        ledger.event(e, EventLevel.INFO, "Job resumed after restart");
                        resumeFirst.add(e.id());
                    }
                    default -> { }
                }
            }
        }
        queue.addAll(resumeFirst);
        queue.addAll(queuedAgain);
        log.info("job manager: {} jobs loaded, {} resumed, {} queued", loaded, resumeFirst.size(), queuedAgain.size());
    }

    // ---- API operations (each caller sees what Caller.canSee allows) ----

    public FineTuningJob create(JobCreateParams params, Caller caller) {
        requests.validate(params, caller);
        long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextInt(0, Integer.MAX_VALUE);
        synchronized (ledger) {
            long waiting = ledger.all().stream().filter(e -> e.job.status() == VALIDATING_FILES || e.job.status() == QUEUED).count();
            if (waiting >= config.queueCapacity()) {
                throw new RateLimitException("Too many fine-tuning jobs waiting (" + waiting + "); try again when some have started.",
                        null, "queue_full");
            }
            FineTuningJob job = new FineTuningJob(Ids.newId("ftjob"), params.model(), ledger.now(), null, null, config.organizationId(),
                    List.of(), VALIDATING_FILES, params.validationFile(), params.trainingFile(), params.method(), null, null,
                    params.integrations(), seed, null, params.metadata(), params.suffix(), caller.endUserId());
            JobEntry e = ledger.add(job);
            ledger.event(e, EventLevel.INFO, "Validating training file: " + job.trainingFile()
                    + (job.validationFile() == null ? "" : " and validation file: " + job.validationFile()));
            log.info("created {} (model {}, training file {})", job.id(), job.model(), job.trainingFile());
            validations.execute(() -> validate(job.id()));
            return job;
        }
    }

    /** The end user a job was created for (null: shared, or no such job); fine-tuned models inherit it. */
    public String endUserOf(String jobId) {
        synchronized (ledger) {
            JobEntry e = ledger.get(jobId);
            return e == null ? null : e.job.user();
        }
    }

    public FineTuningJob retrieve(String jobId, Caller caller) {
        synchronized (ledger) {
            return ledger.visible(jobId, caller).job;
        }
    }

    public Page<FineTuningJob> list(JobListParams params, Caller caller) {
        List<FineTuningJob> ordered;
        synchronized (ledger) {
            ordered = ledger.all().stream()
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
        synchronized (ledger) {
            JobEntry e = ledger.visible(jobId, caller);
            if (e.job.status().terminal()) throw JobTransitions.refused("cancel", jobId, e.job.status());
            e.stopRequested = true;
            queue.remove(jobId);
            ledger.finish(e, CANCELLED, null);
            ledger.event(e, EventLevel.INFO, "Job cancelled");
            return e.job;
        }
    }

    public FineTuningJob pause(String jobId, Caller caller) {
        synchronized (ledger) {
            JobEntry e = ledger.visible(jobId, caller);
            switch (e.job.status()) {
                case RUNNING -> {
                    e.stopRequested = true;
                    ledger.setStatus(e, PAUSING); // "paused" once the trainer has saved its state
                    ledger.event(e, EventLevel.INFO, "Pausing job: stopping at the next step boundary");
                }
                case QUEUED -> {
                    queue.remove(jobId);
                    ledger.setStatus(e, PAUSED);
                    ledger.event(e, EventLevel.INFO, "Job paused");
                }
                default -> throw JobTransitions.refused("pause", jobId, e.job.status());
            }
            return e.job;
        }
    }

    public FineTuningJob resume(String jobId, Caller caller) {
        synchronized (ledger) {
            JobEntry e = ledger.visible(jobId, caller);
            if (e.job.status() != PAUSED) throw JobTransitions.refused("resume", jobId, e.job.status());
            ledger.setStatus(e, QUEUED);
            ledger.event(e, EventLevel.INFO, "Job resumed");
            queue.add(jobId);
            return e.job;
        }
    }

    public Page<JobEvent> listEvents(String jobId, PageParams params, Caller caller) {
        List<JobEvent> newestFirst;
        synchronized (ledger) {
            newestFirst = new ArrayList<>(ledger.visible(jobId, caller).events).reversed();
        }
        return CursorPaging.page(newestFirst, JobEvent::id, params.limit(), params.after(), CursorPaging.EVENTS);
    }

    public Page<Checkpoint> listCheckpoints(String jobId, PageParams params, Caller caller) {
        List<Checkpoint> newestFirst;
        synchronized (ledger) {
            newestFirst = ledger.visible(jobId, caller).checkpoints.stream()
                    .sorted(Comparator.comparingInt(Checkpoint::stepNumber).reversed()).toList();
        }
        return CursorPaging.page(newestFirst, Checkpoint::id, params.limit(), params.after(), CursorPaging.CHECKPOINTS);
    }

    /** A file is in use while a job that is not terminal names it. */
    @Override
    public Optional<String> activeUser(String fileId) {
        synchronized (ledger) {
            return ledger.all().stream()
                    .filter(e -> !e.job.status().terminal())
                    .filter(e -> fileId.equals(e.job.trainingFile()) || fileId.equals(e.job.validationFile()))
                    .findFirst().map(e -> "job " + e.id() + " (" + e.job.status().wireName() + ")");
        }
    }

    // ---- file validation ----

    private void validate(String jobId) {
        FineTuningJob job;
        synchronized (ledger) {
            JobEntry e = ledger.get(jobId);
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
        synchronized (ledger) {
            JobEntry e = ledger.get(jobId);
            // Cancelled meanwhile, or shutting down (validation starts again on the next open).
            if (e == null || e.job.status() != VALIDATING_FILES || closing) return;
            if (error != null) {
                fail(e, error);
                return;
            }
            ledger.setStatus(e, QUEUED);
            ledger.event(e, EventLevel.INFO, "Files validated, moving job to queued state");
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
            } catch (RuntimeException | Error e) { // an Error too (OutOfMemoryError from a model too large): the queue must go on
                log.error("job {}: unexpected failure", id, e);
                failAfterUnexpectedError(id, e);
            }
        }
    }

    /**
     * Fails the job if its status may still fail ({@code running}, {@code pausing}); a queued job
     * gets there through {@code running}; a paused one stays paused (its state is saved and a
     * resume retries). Never throws, so the worker that calls it keeps serving the queue.
     */
    private void failAfterUnexpectedError(String jobId, Throwable cause) {
        try {
            synchronized (ledger) {
                JobEntry e = ledger.get(jobId);
                if (e == null || e.job.status().terminal() || e.job.status() == PAUSED) return;
                if (e.job.status() == QUEUED) ledger.setStatus(e, RUNNING);
                fail(e, new JobError("server_error", "Internal error: " + cause.getMessage(), null));
            }
        } catch (RuntimeException e) {
            log.error("job {}: could not record its failure", jobId, e);
        }
    }

    private void train(String jobId) {
        JobEntry e;
        TrainingRun run;
        String weightsModel;
        synchronized (ledger) {
            e = ledger.get(jobId);
            // A job paused and resumed while a worker held its id is queued twice: one run at a time.
            if (e == null || closing || e.training) return;
            JobStatus status = e.job.status();
            if (status == QUEUED) {
                ledger.setStatus(e, RUNNING);
                if (e.lastStep == 0) ledger.event(e, EventLevel.INFO, "Fine-tuning job started");
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
            e.runStartedMillis = ledger.nowMillis();
            e.stepsThisRun = 0;
            ledger.save(e);
            FineTuningJob job = e.job;
            run = new TrainingRun(job.id(), job.model(), base.get().dir(), files.contentPath(job.trainingFile()),
                    job.validationFile() == null ? null : files.contentPath(job.validationFile()),
                    TrainingSettingsMapper.method(job.method()), TrainingSettingsMapper.settings(job.hyperparameters()),
                    job.seed(), createDir(ledger.store().stateDir(jobId)), createDir(ledger.store().outputDir(jobId)));
            weightsModel = weightsModel(base.get());
            e.training = true;
        }
        TrainingResult result;
        try {
            result = trainer.train(run, new TrainingProgress(ledger, e, models, config.organizationId(), weightsModel, () -> closing));
        } catch (TrainingFailedException ex) {
            synchronized (ledger) {
                e.training = false;
                if (!e.job.status().terminal()) fail(e, new JobError(ex.code(), ex.getMessage(), ex.param()));
            }
            return;
        } catch (RuntimeException | Error ex) {
            synchronized (ledger) {
                e.training = false;
            }
            throw ex;
        }
        synchronized (ledger) {
            e.training = false; // in the same block as the final status, so a resume after it finds the job free
            if (e.job.status().terminal()) return; // cancelled while the trainer wound down
            switch (result) {
                case TrainingResult.Completed c -> succeed(e, c, weightsModel);
                case TrainingResult.Stopped s when e.job.status() == PAUSING -> {
                    ledger.setStatus(e, PAUSED);
                    ledger.event(e, EventLevel.INFO, EventType.MESSAGE, "Job paused",
                            new JsonValue.Obj(Map.of("step", JsonValue.Num.of(s.step()))));
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

    /**
     * The model whose weights the job's output sits on: training from a LoRA adapter continues that
     * adapter on its own base, so the new model records the base (serving does not stack adapters).
     */
    private static String weightsModel(RegisteredModel model) {
        boolean adapter = model.kind() != ModelKind.BASE && model.baseModel() != null
                && Files.isRegularFile(model.dir().resolve(PeftAdapter.CONFIG_FILE));
        return adapter ? model.baseModel() : model.id();
    }

    private boolean nameTaken(String name) {
        return models.exists(name) || ledger.all().stream().anyMatch(j -> name.equals(j.reservedModel));
    }

    private void succeed(JobEntry e, TrainingResult.Completed c, String weightsModel) {
        String modelId = e.reservedModel;
        if (!models.exists(modelId)) {
            models.register(new RegisteredModel(modelId, c.modelDir(), ledger.now(), config.organizationId(), ModelKind.FINE_TUNED,
                    weightsModel, e.id()));
        }
        byte[] csv = ResultsCsv.build(e.events, e.checkpoints).getBytes(StandardCharsets.UTF_8);
        var resultFile = files.storeGenerated(e.id() + "_results.csv", FilePurpose.FINE_TUNE_RESULTS, csv, e.job.user());
        JobCopy next = new JobCopy(e.job);
        next.fineTunedModel = modelId;
        next.trainedTokens = c.trainedTokens();
        next.resultFiles = List.of(resultFile.id());
        ledger.update(e, next);
        ledger.event(e, EventLevel.INFO, EventType.MESSAGE, "New fine-tuned model created",
                new JsonValue.Obj(Map.of("fine_tuned_model", new JsonValue.Str(modelId))));
        ledger.finish(e, SUCCEEDED, null);
        ledger.event(e, EventLevel.INFO, "The job has successfully completed");
        log.info("{} succeeded: {}", e.id(), modelId);
    }

    private void fail(JobEntry e, JobError error) {
        ledger.fail(e, error);
        log.info("{} failed: {} ({})", e.id(), error.message(), error.code());
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
}
