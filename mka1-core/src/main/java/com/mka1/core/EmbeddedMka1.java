package com.mka1.core;

import com.mka1.core.jobs.store.JobLeases;
import com.mka1.core.storage.blob.BlobStore;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.jobs.store.LeaseSettings;
import com.mka1.api.Caller;
import com.mka1.api.facade.Mka1;
import com.mka1.api.Page;
import com.mka1.api.PageParams;
import com.mka1.api.files.FileDeleted;
import com.mka1.api.files.FileListParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FileService;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.FineTuningService;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.export.ExportFiles;
import com.mka1.core.export.ModelExporter;
import com.mka1.core.files.FileStore;
import com.mka1.core.jobs.JobManager;
import com.mka1.core.jobs.JobManagerConfig;
import com.mka1.api.models.ModelService;
import com.mka1.api.responses.ResponseService;
import com.mka1.core.compute.Backends;
import com.mka1.core.inference.ModelCache;
import com.mka1.core.inference.ResponseStore;
import com.mka1.core.storage.DiskState;
import com.mka1.core.inference.ResponsesService;
import com.mka1.core.inference.ServedModel;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.registry.ModelAccess;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.ModelsService;
import com.mka1.core.registry.tiny.Stories260k;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.BackendUnavailableException;
import com.mka1.spi.ComputeDevice;
import java.util.function.Supplier;
import com.mka1.core.train.Trainer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Mka1} API in this JVM: files, jobs and models kept durably under one data
 * directory ({@code files/}, {@code jobs/}, {@code models.json}), base models read from a models
 * directory, training through a {@link Trainer}. Build with {@link #builder()}.
 */
public final class EmbeddedMka1 implements Mka1 {
    /**
     * The model written into every models directory unless disabled: Karpathy's pretrained
     * stories260K (MIT, shipped in this jar), a 260K-parameter Llama that writes children's stories.
     */
    public static final String EMBEDDED_MODEL = Stories260k.ID;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMka1.class);
    private final FileStore files;
    private final ModelRegistry models;
    private final ModelAccess modelAccess;
    private final JobManager jobs;
    private final ModelCache<ServedModel> servedModels;
    private final ServedModelLoader modelLoader;
    private final ResponseStore responseStore;
    private final ExportFiles exports;
    private final DiskState disk;
    private final Clock clock;

    private EmbeddedMka1(FileStore files, ModelRegistry models, JobManager jobs, ModelCache<ServedModel> servedModels,
                         ServedModelLoader modelLoader, ResponseStore responseStore, ExportFiles exports, Clock clock,
                         DiskState disk) {
        this.disk = disk;
        this.files = files;
        this.models = models;
        this.modelAccess = new ModelAccess(models, jobs::endUserOf);
        this.jobs = jobs;
        this.servedModels = servedModels;
        this.modelLoader = modelLoader;
        this.responseStore = responseStore;
        this.exports = exports;
        this.clock = clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public FileService files(Caller caller) {
        return new Files(Objects.requireNonNull(caller, "caller"));
    }

    @Override
    public FineTuningService fineTuning(Caller caller) {
        return new Jobs(Objects.requireNonNull(caller, "caller"));
    }

    @Override
    public ResponseService responses(Caller caller) {
        return new ResponsesService(servedModels, modelLoader, modelAccess, responseStore,
                Objects.requireNonNull(caller, "caller"), clock);
    }

    @Override
    public ModelService models(Caller caller) {
        return new ModelsService(modelAccess, Objects.requireNonNull(caller, "caller"), servedModels::invalidate, exports::export);
    }

    /** Whether the data directory takes writes now; false means the engine runs read-only (writes answer 507). */
    public boolean writable() {
        return disk.writable();
    }

    @Override
    public void close() {
        jobs.close();
        servedModels.close();
    }

    private final class Files implements FileService {
        private final Caller caller;

        Files(Caller caller) {
            this.caller = caller;
        }

        @Override
        public FileObject create(FileUpload upload) {
            return files.upload(upload, caller);
        }

        @Override
        public Page<FileObject> list(FileListParams params) {
            return files.list(params, caller);
        }

        @Override
        public FileObject retrieve(String fileId) {
            return files.retrieve(fileId, caller);
        }

        @Override
        public InputStream content(String fileId) {
            return files.content(fileId, caller);
        }

        @Override
        public FileDeleted delete(String fileId) {
            return files.delete(fileId, caller, jobs);
        }
    }

    private final class Jobs implements FineTuningService {
        private final Caller caller;

        Jobs(Caller caller) {
            this.caller = caller;
        }

        @Override
        public FineTuningJob create(JobCreateParams params) {
            return jobs.create(params, caller);
        }

        @Override
        public FineTuningJob retrieve(String jobId) {
            return jobs.retrieve(jobId, caller);
        }

        @Override
        public Page<FineTuningJob> list(JobListParams params) {
            return jobs.list(params, caller);
        }

        @Override
        public FineTuningJob cancel(String jobId) {
            return jobs.cancel(jobId, caller);
        }

        @Override
        public FineTuningJob pause(String jobId) {
            return jobs.pause(jobId, caller);
        }

        @Override
        public FineTuningJob resume(String jobId) {
            return jobs.resume(jobId, caller);
        }

        @Override
        public Page<JobEvent> listEvents(String jobId, PageParams params) {
            return jobs.listEvents(jobId, params, caller);
        }

        @Override
        public Page<Checkpoint> listCheckpoints(String jobId, PageParams params) {
            return jobs.listCheckpoints(jobId, params, caller);
        }
    }

    /** Configures an {@link EmbeddedMka1}; only {@link #dataDir} is required. */
    public static final class Builder {
        private Path dataDir;
        private Path modelsDir;
        private Trainer trainer;
        private int concurrentJobs = 1;
        private int queueCapacity = 100;
        private long maxUploadBytes = 512L * 1024 * 1024;
        private int minExamples = 10;
        private Duration responseRetention = Duration.ofDays(30);
        private TokenCounter tokenCounter = TokenCounter.APPROXIMATE;
        private String organizationId = "org_mka1";
        private Clock clock = Clock.systemUTC();
        private boolean embeddedModel = true;
        private long modelCacheBytes = 2L << 30;
        private Supplier<ComputeDevice> inferenceDevices;
        private String backend;
        private Boolean recomputeActivations;
        private boolean mergeAdapters;
        private JobStore jobStore;
        private LeaseSettings leases;
        private BlobStore blobs;

        private Builder() {}

        /**
         * Keeps job state in {@code store} instead of the data directory. A store that implements
         * {@link JobLeases} (PostgreSQL, module {@code mka1-store-postgres}) is a queue shared with
         * other servers: this one's workers claim jobs from it under {@code leases}.
         */
        public Builder jobStore(JobStore store, LeaseSettings leases) {
            this.jobStore = store;
            this.leases = leases;
            return this;
        }

        /**
         * Shares uploaded and generated files with other servers through {@code store} (S3,
         * module {@code mka1-store-s3}): a file stored through any server is readable through
         * this one. With a shared {@link #jobStore job queue} too, trainer state and fine-tuned
         * models (and checkpoint models) are shared as well: any server serves, exports and
         * deletes them. Default null: the data directory is the only copy.
         */
        public Builder blobs(BlobStore store) {
            this.blobs = store;
            return this;
        }

        /** Whether the embedded {@code mka1:tiny} model (stories260K) is copied into the models directory (default true). */
        public Builder embeddedModel(boolean enabled) {
            this.embeddedModel = enabled;
            return this;
        }

        /** Memory bound of the loaded-model cache, in bytes (default 2 GiB). */
        public Builder modelCacheBytes(long bytes) {
            this.modelCacheBytes = bytes;
            return this;
        }

        /**
         * The compute backend ("reference", "cpu", "cuda") that jobs naming none train on and that
         * models are served on; default null: {@code MKA1_BACKEND}, else the best available.
         * {@link #build()} fails with {@link BackendUnavailableException}, naming why, when it cannot run here.
         */
        public Builder backend(String name) {
            this.backend = name == null || name.isBlank() ? null : name.strip();
            return this;
        }

        /**
         * Activation checkpointing for every job: each layer's forward runs again during its backward
         * instead of keeping its activations, so activation memory is one layer's rather than all
         * layers' (what lets a large model's LoRA fit a GPU) for about a third more compute per step.
         * Default: the trainer's own setting (off).
         */
        public Builder recomputeActivations(boolean recompute) {
            this.recomputeActivations = recompute;
            return this;
        }

        /** Opens a compute device for each model loaded for inference (default: from {@link #backend}). */
        public Builder inferenceDevices(Supplier<ComputeDevice> devices) {
            this.inferenceDevices = devices;
            return this;
        }

        /** Fold LoRA adapters into a private copy of the base instead of sharing the base (default false). */
        public Builder mergeAdapters(boolean merge) {
            this.mergeAdapters = merge;
            return this;
        }

        /** Where files, jobs and registered models are kept (created if missing). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Where base models live ({@code <owner>/<name>/config.json}); default {@code <dataDir>/models}. */
        public Builder modelsDir(Path dir) {
            this.modelsDir = dir;
            return this;
        }

        /** Trains jobs (default: the {@link Trainer} service that core provides, {@code LlamaTrainer}). */
        public Builder trainer(Trainer trainer) {
            this.trainer = trainer;
            return this;
        }

        /** Jobs trained at the same time (default 1). */
        public Builder concurrentJobs(int n) {
            this.concurrentJobs = n;
            return this;
        }

        /** Jobs that may wait (validating or queued) before create answers 429 (default 100). */
        public Builder queueCapacity(int n) {
            this.queueCapacity = n;
            return this;
        }

        /** Largest accepted upload in bytes (default 512 MiB). */
        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        /** Fewest examples a training file must have (default 10, OpenAI's minimum). */
        public Builder minExamples(int n) {
            this.minExamples = n;
            return this;
        }

        /** Token counter for validation estimates (default: about four characters per token). */
        public Builder tokenCounter(TokenCounter counter) {
            this.tokenCounter = counter;
            return this;
        }

        /** The {@code organization_id} shown on jobs (default "org_mka1"). */
        public Builder organizationId(String id) {
            this.organizationId = id;
            return this;
        }

        /** How long stored responses are kept (default 30 days); older ones are removed. */
        public Builder responseRetention(Duration retention) {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("responseRetention must be positive: " + retention);
            }
            this.responseRetention = retention;
            return this;
        }

        /** Time source for timestamps (default the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The {@link Trainer} service found on the module or class path (core provides {@code LlamaTrainer}). */
        static Trainer installedTrainer() {
            return ServiceLoader.load(Trainer.class).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Trainer service is installed; give one with trainer(...)"));
        }

        /** Opens the data directory, reloads its state and resumes unfinished jobs. */
        public EmbeddedMka1 build() {
            Objects.requireNonNull(dataDir, "dataDir is required");
            Backends installed = Backends.installed();
            if (backend != null) installed.byName(backend); // fails before anything is opened or resumed
            Trainer jobTrainer = trainer != null ? trainer : installedTrainer();
            if (backend != null || recomputeActivations != null) {
                jobTrainer = new EngineDefaultsTrainer(jobTrainer, backend, recomputeActivations);
            }
            Supplier<ComputeDevice> devices = inferenceDevices != null ? inferenceDevices
                    : () -> installed.open(backend, BackendOptions.defaults());
            try {
                FileStore files = FileStore.open(dataDir.resolve("files"), maxUploadBytes, clock, blobs);
                Path baseModels = modelsDir != null ? modelsDir : dataDir.resolve("models");
                if (embeddedModel) {
                    Stories260k.ensure(baseModels);
                }
                // Fine-tuned models are shared when the jobs that made them are (their visibility is their job's end user).
                ModelCache<ServedModel> servedModels = new ModelCache<>(modelCacheBytes);
                ModelRegistry models = blobs != null && jobStore instanceof JobLeases
                        ? ModelRegistry.open(baseModels, dataDir.resolve("models.json"), blobs, dataDir.resolve("shared-models"),
                                servedModels::invalidate)
                        : ModelRegistry.open(baseModels, dataDir.resolve("models.json"));
                DiskState disk = new DiskState(dataDir, clock);
                if (!disk.writable()) {
                    log.warn("The data directory {} takes no writes (full disk?): running read-only until it does;"
                            + " changes answer 507 and jobs wait", dataDir);
                }
                JobManagerConfig jobConfig = new JobManagerConfig(concurrentJobs, queueCapacity, minExamples, tokenCounter,
                        organizationId, clock);
                JobManager jobs = jobStore == null ? JobManager.open(dataDir.resolve("jobs"), files, models, jobTrainer, jobConfig, disk)
                        : JobManager.open(jobStore, files, models, jobTrainer, jobConfig, disk, leases);
                try {
                    return new EmbeddedMka1(files, models, jobs, servedModels,
                            new ServedModelLoader(models, devices, mergeAdapters),
                            new ResponseStore(dataDir.resolve("responses"), responseRetention, clock),
                            new ExportFiles(new ModelExporter(models, devices), files, dataDir.resolve("exports")), clock, disk);
                } catch (RuntimeException e) {
                    jobs.close(); // it has already resumed unfinished jobs; nobody else could stop them
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the data directory " + dataDir, e);
            }
        }
    }
}
