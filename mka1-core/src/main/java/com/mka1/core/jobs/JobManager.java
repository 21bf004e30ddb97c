package com.mka1.core.jobs;

import com.mka1.core.jobs.store.JobLeases;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.jobs.store.LeaseSettings;
import com.mka1.api.Caller;
import com.mka1.api.Mka1Exception;
import com.mka1.api.Page;
import com.mka1.api.PageParams;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.core.storage.Ids;
import com.mka1.core.compute.Backends;
import com.mka1.core.data.DataFileRole;
import com.mka1.core.data.TrainingFileException;
import com.mka1.core.data.TrainingFileValidator;
import com.mka1.core.files.FileStore;
import com.mka1.core.files.FileUsage;
import com.mka1.core.files.StoredFile;
import com.mka1.core.registry.ModelAccess;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.paging.CursorPaging;
import com.mka1.core.storage.DiskState;
import com.mka1.core.train.Trainer;
import com.mka1.spi.ComputeBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static com.mka1.api.finetuning.JobStatus.PAUSED;
import static com.mka1.api.finetuning.JobStatus.VALIDATING_FILES;

/**
 * The fine-tuning API's operations: validates create requests, checks files on a virtual thread
 * per job, and moves jobs through the {@link JobLedger} (the only owner of job state, which
 * writes every change durably before it becomes visible); a {@link JobWorker} trains queued
 * jobs. On open, unfinished jobs continue where they were.
 */
public final class JobManager implements FileUsage, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobManager.class);

    private final FileStore files;
    private final ModelRegistry models;
    private final JobManagerConfig config;
    private final JobRequestValidator requests;
    private final TrainingFileValidator dataValidator;
    private final JobLedger ledger;
    private final JobWorker worker;
    private final ExecutorService validations = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closing;

    private JobManager(JobStore store, FileStore files, ModelRegistry models, Trainer trainer, JobManagerConfig config,
                       DiskState disk, LeaseSettings leases) {
        this.ledger = new JobLedger(store, config.clock());
        this.files = files;
        this.models = models;
        this.config = config;
        this.requests = new JobRequestValidator(new ModelAccess(models, this::endUserOf), files,
                Backends.installed().all().stream().map(ComputeBackend::name).toList());
        this.dataValidator = new TrainingFileValidator(config.minExamples(), config.tokenCounter());
        this.worker = new JobWorker(ledger, files, models, trainer, config.organizationId(), disk, config.concurrentJobs(),
                leases);
    }

    /** Loads the jobs under {@code dir} and continues the unfinished ones. */
    public static JobManager open(Path dir, FileStore files, ModelRegistry models, Trainer trainer, JobManagerConfig config)
            throws IOException {
        return open(dir, files, models, trainer, config, new DiskState(dir, config.clock()));
    }

    /** As {@link #open(Path, FileStore, ModelRegistry, Trainer, JobManagerConfig)}, with the engine's view of its disk. */
    public static JobManager open(Path dir, FileStore files, ModelRegistry models, Trainer trainer, JobManagerConfig config,
                                  DiskState disk) throws IOException {
        return open(new FileJobStore(dir), files, models, trainer, config, disk, null);
    }

    /**
     * Jobs in {@code store}. A store that implements {@link JobLeases} is a queue shared with other
     * servers: this server's workers claim jobs from it under {@code leases}, and every read and
     * transition takes in what the others committed.
     */
    public static JobManager open(JobStore store, FileStore files, ModelRegistry models, Trainer trainer,
                                  JobManagerConfig config, DiskState disk, LeaseSettings leases) throws IOException {
        if (store instanceof JobLeases && leases == null) {
            throw new IllegalArgumentException("a shared job store needs lease settings");
        }
        JobManager m = new JobManager(store, files, models, trainer, config, disk, leases);
        m.recover();
        return m;
    }

    private void recover() throws IOException {
        if (ledger.leases() != null) { // shared: running jobs belong to their leases; the queue is the database
            List<FineTuningJob> loaded = ledger.load();
            loaded.stream().filter(j -> j.status() == VALIDATING_FILES).forEach(j -> validations.execute(() -> validate(j.id())));
            log.info("job manager: {} jobs in the shared store", loaded.size());
            return;
        }
        List<String> resumeFirst = new ArrayList<>();
        List<String> queuedAgain = new ArrayList<>();
        List<FineTuningJob> loaded = ledger.load();
        for (FineTuningJob job : loaded) {
            switch (job.status()) {
                case VALIDATING_FILES -> validations.execute(() -> validate(job.id()));
                case QUEUED -> queuedAgain.add(job.id());
                case RUNNING, PAUSING -> {
                    try {
                        ledger.resumedAfterRestart(job.id());
                    } catch (Mka1Exception e) { // a full disk: the job resumes all the same once it can record
                        log.warn("{}: {}", job.id(), e.getMessage());
                    }
                    resumeFirst.add(job.id());
                }
                default -> { }
            }
        }
        resumeFirst.forEach(worker::enqueue);
        queuedAgain.forEach(worker::enqueue);
        log.info("job manager: {} jobs loaded, {} resumed, {} queued", loaded.size(), resumeFirst.size(), queuedAgain.size());
    }

    // ---- API operations (each caller sees what Caller.canSee allows) ----

    public FineTuningJob create(JobCreateParams params, Caller caller) {
        requests.validate(params, caller);
        long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextInt(0, Integer.MAX_VALUE);
        FineTuningJob job = new FineTuningJob(Ids.newId("ftjob"), params.model(), ledger.now(), null, null, config.organizationId(),
                List.of(), VALIDATING_FILES, params.validationFile(), params.trainingFile(), params.method(), null, null,
                params.integrations(), seed, null, params.metadata(), params.suffix(), caller.endUserId());
        ledger.create(job, "Validating training file: " + job.trainingFile()
                + (job.validationFile() == null ? "" : " and validation file: " + job.validationFile()), config.queueCapacity());
        log.info("created {} (model {}, training file {})", job.id(), job.model(), job.trainingFile());
        validations.execute(() -> validate(job.id()));
        return job;
    }

    /** The end user a job was created for (null: shared, or no such job); fine-tuned models inherit it. */
    public String endUserOf(String jobId) {
        FineTuningJob job = ledger.get(jobId);
        if (job == null) { // made on another server since this one last read the shared store
            ledger.refresh();
            job = ledger.get(jobId);
        }
        return job == null ? null : job.user();
    }

    public FineTuningJob retrieve(String jobId, Caller caller) {
        return ledger.visible(jobId, caller);
    }

    public Page<FineTuningJob> list(JobListParams params, Caller caller) {
        List<FineTuningJob> ordered = ledger.list(j -> caller.canSee(j.user()) && matches(j.metadata(), params));
        return CursorPaging.page(ordered, FineTuningJob::id, params.limit(), params.after(), CursorPaging.JOBS);
    }

    private static boolean matches(Map<String, String> metadata, JobListParams params) {
        if (params.withoutMetadata()) return metadata == null || metadata.isEmpty();
        if (params.metadata().isEmpty()) return true;
        return metadata != null && metadata.entrySet().containsAll(params.metadata().entrySet());
    }

    public FineTuningJob cancel(String jobId, Caller caller) {
        FineTuningJob job = ledger.cancel(jobId, caller);
        worker.dequeue(jobId);
        return job;
    }

    public FineTuningJob pause(String jobId, Caller caller) {
        FineTuningJob job = ledger.pause(jobId, caller);
        if (job.status() == PAUSED) worker.dequeue(jobId);
        return job;
    }

    public FineTuningJob resume(String jobId, Caller caller) {
        FineTuningJob job = ledger.resume(jobId, caller, config.queueCapacity());
        worker.enqueue(jobId);
        return job;
    }

    public Page<JobEvent> listEvents(String jobId, PageParams params, Caller caller) {
        List<JobEvent> newestFirst = new ArrayList<>(ledger.events(jobId, caller)).reversed();
        return CursorPaging.page(newestFirst, JobEvent::id, params.limit(), params.after(), CursorPaging.EVENTS);
    }

    public Page<Checkpoint> listCheckpoints(String jobId, PageParams params, Caller caller) {
        List<Checkpoint> newestFirst = ledger.checkpoints(jobId, caller).stream()
                .sorted(Comparator.comparingInt(Checkpoint::stepNumber).reversed()).toList();
        return CursorPaging.page(newestFirst, Checkpoint::id, params.limit(), params.after(), CursorPaging.CHECKPOINTS);
    }

    /** A file is in use while a job that is not terminal names it. */
    @Override
    public Optional<String> activeUser(String fileId) {
        return ledger.activeJob(j -> fileId.equals(j.trainingFile()) || fileId.equals(j.validationFile()));
    }

    // ---- file validation ----

    private void validate(String jobId) {
        FineTuningJob job = ledger.get(jobId);
        if (job == null || job.status() != VALIDATING_FILES) return;
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
        if (closing) return; // validation starts again on the next open
        try {
            if (ledger.validated(jobId, error)) worker.enqueue(jobId);
            else if (error != null) log.info("{} failed validation: {} ({})", jobId, error.message(), error.code());
        } catch (Mka1Exception e) { // not recorded (a full disk): the job stays validating and is checked again on the next open
            log.warn("{}: could not record its validation: {}", jobId, e.getMessage());
        }
    }

    private Path existingFile(String fileId, DataFileRole role) throws TrainingFileException {
        StoredFile f = files.find(fileId);
        if (f == null || f.file().purpose() != FilePurpose.FINE_TUNE) {
            throw new TrainingFileException("file_not_found", role.param(), "File " + fileId + " no longer exists.");
        }
        return files.contentPath(fileId);
    }

    /**
     * Stops taking work, asks running trainers to stop at their next step boundary (their jobs
     * stay {@code running} on disk and resume on the next open) and waits for the workers.
     */
    @Override
    public void close() {
        closing = true;
        validations.shutdownNow();
        worker.close();
        try {
            validations.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
