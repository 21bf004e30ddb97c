package com.mka1.core.jobs;

import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.core.jobs.store.JobChange;
import com.mka1.core.jobs.store.JobJson;
import com.mka1.core.jobs.store.JobRecord;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.jobs.store.StoredJob;
import com.mka1.core.storage.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Job state in files, one directory per job: {@code job.json} (the {@link JobRecord}: the commit
 * point of every change), {@code events/<seq>.json} and {@code checkpoints/<step>.json}, and the
 * trainer's {@code state/} and {@code output/} directories. A change writes its events and
 * checkpoint first, then {@code job.json}; files beyond the committed counts are leftovers of a
 * change that never committed and are removed on load (a retried change writes the same sequence
 * numbers again, so nothing is duplicated). Every write is atomic. Unreadable records are moved
 * to {@code .quarantine/}.
 */
final class FileJobStore implements JobStore {
    private static final Logger log = LoggerFactory.getLogger(FileJobStore.class);
    static final String QUARANTINE = ".quarantine";

    private final Path dir;
    /** Committed version per job: the compare-and-set a shared store does in its database. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    FileJobStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path jobDir(String jobId) {
        return dir.resolve(jobId);
    }

    @Override
    public Path stateDir(String jobId) {
        return jobDir(jobId).resolve("state");
    }

    @Override
    public Path outputDir(String jobId) {
        return jobDir(jobId).resolve("output");
    }

    @Override
    public void commit(JobChange change) throws IOException {
        String id = change.next().id();
        long expected = change.previous() == null ? 0 : change.previous().version();
        long stored = versions.getOrDefault(id, 0L);
        if (stored != expected) {
            throw new IllegalStateException("job " + id + " is at version " + stored + ", not " + expected);
        }
        Path jobDir = jobDir(id);
        int seq = change.firstEventSeq();
        for (JobEvent event : change.events()) {
            AtomicFiles.write(eventPath(jobDir, seq++), JobJson.event(event));
        }
        if (change.checkpoint() != null) {
            AtomicFiles.write(checkpointPath(jobDir, change.checkpoint().stepNumber()),
                    JobJson.checkpoint(change.checkpoint()));
        }
        AtomicFiles.write(jobDir.resolve("job.json"), JobJson.record(change.next()));
        versions.put(id, change.next().version());
    }

    private static Path eventPath(Path jobDir, int seq) {
        return jobDir.resolve("events").resolve("%09d.json".formatted(seq));
    }

    private static Path checkpointPath(Path jobDir, int step) {
        return jobDir.resolve("checkpoints").resolve("%09d.json".formatted(step));
    }

    @Override
    public List<StoredJob> loadAll() throws IOException {
        List<StoredJob> out = new ArrayList<>();
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(dir,
                p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."))) {
            for (Path jobDir : jobs) {
                Path file = jobDir.resolve("job.json");
                if (!Files.exists(file)) {
                    log.warn("removing {}: a job that was never committed", jobDir);
                    deleteTree(jobDir);
                    continue;
                }
                JobRecord record;
                try {
                    record = JobJson.record(Files.readAllBytes(file));
                } catch (RuntimeException e) {
                    quarantine(jobDir, e);
                    continue;
                }
                if (record.eventCount() == JobJson.UNKNOWN_COUNT) {
                    record = new JobRecord(record.job(), record.seq(), record.lastStep(), record.totalSteps(),
                            record.reservedModel(), sortedJson(jobDir.resolve("events")).size(),
                            sortedJson(jobDir.resolve("checkpoints")).size(), record.version());
                }
                out.add(new StoredJob(record, loadEvents(jobDir, record), loadCheckpoints(jobDir, record)));
                versions.put(record.id(), record.version());
            }
        }
        out.sort(Comparator.comparingLong(j -> j.record().seq()));
        return out;
    }

    private List<JobEvent> loadEvents(Path jobDir, JobRecord record) throws IOException {
        List<JobEvent> events = new ArrayList<>();
        for (int seq = 0; seq < record.eventCount(); seq++) {
            Path p = eventPath(jobDir, seq);
            try {
                events.add(JobJson.event(Files.readAllBytes(p)));
            } catch (IOException | RuntimeException e) {
                // Keep the numbering: the damaged event's place says what happened to it.
                Path moved = quarantine(p, e);
                events.add(new JobEvent("ftevent_quarantined_" + seq, record.job().createdAt(), EventLevel.WARN,
                        "An unreadable event record was moved aside to " + dir.relativize(moved), EventType.MESSAGE,
                        JsonValue.Null.INSTANCE));
            }
        }
        removeBeyond(jobDir.resolve("events"), record.eventCount());
        return events;
    }

    private List<Checkpoint> loadCheckpoints(Path jobDir, JobRecord record) throws IOException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        List<Path> files = sortedJson(jobDir.resolve("checkpoints"));
        for (Path p : files) {
            if (checkpoints.size() == record.checkpointCount()) {
                log.info("removing {}: a checkpoint record that never committed", p);
                Files.delete(p);
                continue;
            }
            try {
                checkpoints.add(JobJson.checkpoint(Files.readAllBytes(p)));
            } catch (RuntimeException e) {
                quarantine(p, e);
            }
        }
        return checkpoints;
    }

    /** Deletes the temp files and the records numbered {@code count} and beyond (an uncommitted change's). */
    private static void removeBeyond(Path dir, int count) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (AtomicFiles.isTemp(p) || (name.endsWith(".json") && numbered(name) >= count)) {
                    log.info("removing {}: written by a change that never committed", p);
                    Files.delete(p);
                }
            }
        }
    }

    private static long numbered(String name) {
        try {
            return Long.parseLong(name.substring(0, name.length() - ".json".length()));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private Path quarantine(Path path, Exception cause) throws IOException {
        Path target = dir.resolve(QUARANTINE).resolve(dir.relativize(path).toString().replace('/', '_')
                + "." + System.currentTimeMillis());
        Files.createDirectories(target.getParent());
        Files.move(path, target);
        log.error("quarantined unreadable job record {} to {}: {}", path, target, cause.toString());
        return target;
    }

    private static List<Path> sortedJson(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (AtomicFiles.isTemp(p)) Files.delete(p);
                else if (p.getFileName().toString().endsWith(".json")) files.add(p);
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
