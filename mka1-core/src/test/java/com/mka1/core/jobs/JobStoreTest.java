package com.mka1.core.jobs;

import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JobStoreTest {
    @TempDir
    Path dir;

    private static FineTuningJob job(String id) {
        return new FineTuningJob(id, "a:b", 1, null, null, "org", List.of(), JobStatus.RUNNING, null, "file_t",
                Method.Supervised.auto(), null, null, null, 7, null, null, null, "u");
    }

    private static JobEvent metrics(String id, int step) {
        return new JobEvent(id, 2, EventLevel.INFO, "Step " + step, EventType.METRICS,
                new JsonValue.Obj(Map.of("step", JsonValue.Num.of(step))));
    }

    @Test
    void reloadsJobsEventsAndCheckpointsInOrder() throws IOException {
        JobStore store = new JobStore(dir);
        JobEntry second = new JobEntry(job("ftjob_b"), 1);
        JobEntry first = new JobEntry(job("ftjob_a"), 0);
        first.lastStep = 3;
        first.totalSteps = 10;
        first.reservedModel = "ft:a:b:x";
        store.saveJob(second);
        store.saveJob(first);
        for (int i = 0; i < 12; i++) store.saveEvent("ftjob_a", i, metrics("ftevent_" + i, i + 1));
        Checkpoint c10 = new Checkpoint("ftckpt_10", 3, "ft:a:b:x:ckpt-step-10", "ftjob_a", 10,
                new CheckpointMetrics(10, 0.1, 0.9, null, null, null, null));
        Checkpoint c2 = new Checkpoint("ftckpt_2", 3, "ft:a:b:x:ckpt-step-2", "ftjob_a", 2,
                new CheckpointMetrics(2, 0.5, 0.6, 0.7, 0.5, null, null));
        store.saveCheckpoint("ftjob_a", c10);
        store.saveCheckpoint("ftjob_a", c2);
        Files.createDirectories(dir.resolve("ftjob_uncommitted/events")); // created, never saved: ignored

        List<JobEntry> loaded = new JobStore(dir).loadAll();
        assertThat(loaded).extracting(JobEntry::id).containsExactly("ftjob_a", "ftjob_b");
        JobEntry a = loaded.getFirst();
        assertThat(a.job).isEqualTo(first.job);
        assertThat(a.totalSteps).isEqualTo(10);
        assertThat(a.reservedModel).isEqualTo("ft:a:b:x");
        assertThat(a.events).extracting(JobEvent::id).containsExactly("ftevent_0", "ftevent_1", "ftevent_2", "ftevent_3",
                "ftevent_4", "ftevent_5", "ftevent_6", "ftevent_7", "ftevent_8", "ftevent_9", "ftevent_10", "ftevent_11");
        // job.json said 3, but step events up to 12 reached the disk before a crash: they count as recorded
        assertThat(a.lastStep).isEqualTo(12);
        assertThat(a.checkpoints).containsExactly(c2, c10);
        assertThat(loaded.get(1).events).isEmpty();
    }
}
