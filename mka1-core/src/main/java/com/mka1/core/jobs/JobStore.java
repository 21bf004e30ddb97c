package com.mka1.core.jobs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.core.json.CheckpointCodec;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.FineTuningJobCodec;
import com.mka1.core.json.Json;
import com.mka1.core.json.JobEventCodec;
import com.mka1.core.json.JsonCodec;
import com.mka1.core.storage.AtomicFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Durable job state, one directory per job: {@code job.json} (the job plus bookkeeping),
 * {@code events/<seq>.json} and {@code checkpoints/<step>.json} (one file each, written once),
 * and the trainer's {@code state/} and {@code output/} directories. Every write is atomic.
 */
final class JobStore {
    private final Path dir;

    JobStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path jobDir(String jobId) {
        return dir.resolve(jobId);
    }

    Path stateDir(String jobId) {
        return jobDir(jobId).resolve("state");
    }

    Path outputDir(String jobId) {
        return jobDir(jobId).resolve("output");
    }

    void saveJob(JobEntry e) throws IOException {
        AtomicFiles.write(jobDir(e.id()).resolve("job.json"), Json.writeBytes(EntryCodec.INSTANCE, e));
    }

    /** Events are numbered by their position in the job's log; the number never changes. */
    void saveEvent(String jobId, int index, JobEvent event) throws IOException {
        AtomicFiles.write(jobDir(jobId).resolve("events").resolve("%09d.json".formatted(index)),
                Json.writeBytes(JobEventCodec.INSTANCE, event));
    }

    void saveCheckpoint(String jobId, Checkpoint c) throws IOException {
        AtomicFiles.write(jobDir(jobId).resolve("checkpoints").resolve("%09d.json".formatted(c.stepNumber())),
                Json.writeBytes(CheckpointCodec.INSTANCE, c));
    }

    /** Every job on disk with its events and checkpoints, oldest first. */
    List<JobEntry> loadAll() throws IOException {
        List<JobEntry> out = new ArrayList<>();
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path jobDir : jobs) {
                Path file = jobDir.resolve("job.json");
                if (!Files.exists(file)) continue; // created but never committed
                JobEntry e = EntryCodec.INSTANCE.read(Json.parse(Files.readAllBytes(file)));
                for (Path p : sortedJson(jobDir.resolve("events"))) {
                    JobEvent ev = JobEventCodec.INSTANCE.read(Json.parse(Files.readAllBytes(p)));
                    e.events.add(ev);
                    // The event may be on disk while job.json still has the older step (crash between writes).
                    if (ev.type() == EventType.METRICS && ev.data() instanceof JsonValue.Obj data
                            && data.get("step") instanceof JsonValue.Num(var step)) {
                        e.lastStep = Math.max(e.lastStep, step.intValue());
                    }
                }
                for (Path p : sortedJson(jobDir.resolve("checkpoints"))) {
                    e.checkpoints.add(CheckpointCodec.INSTANCE.read(Json.parse(Files.readAllBytes(p))));
                }
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(e -> e.seq));
        return out;
    }

    private static List<Path> sortedJson(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.json")) {
            entries.forEach(files::add);
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    /** {@code {"job": {...}, "seq", "last_step", "total_steps", "reserved_model"}}. */
    private static final class EntryCodec implements JsonCodec<JobEntry> {
        static final EntryCodec INSTANCE = new EntryCodec();

        @Override
        public void write(JsonGenerator g, JobEntry e) throws IOException {
            g.writeStartObject();
            g.writeFieldName("job");
            FineTuningJobCodec.INSTANCE.write(g, e.job);
            g.writeNumberField("seq", e.seq);
            g.writeNumberField("last_step", e.lastStep);
            g.writeNumberField("total_steps", e.totalSteps);
            g.writeStringField("reserved_model", e.reservedModel);
            g.writeEndObject();
        }

        @Override
        public JobEntry read(JsonValue json) {
            FieldReader r = FieldReader.of(json, "");
            JobEntry e = new JobEntry(FineTuningJobCodec.INSTANCE.read(r.raw("job")), r.longValue("seq"));
            e.lastStep = r.integer("last_step");
            e.totalSteps = r.integer("total_steps");
            e.reservedModel = r.string("reserved_model");
            return e;
        }
    }
}
