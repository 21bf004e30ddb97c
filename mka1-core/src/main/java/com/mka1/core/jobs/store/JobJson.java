package com.mka1.core.jobs.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.core.json.CheckpointCodec;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.FineTuningJobCodec;
import com.mka1.core.json.Json;
import com.mka1.core.json.JobEventCodec;
import com.mka1.core.json.JsonCodec;

import java.io.IOException;

/**
 * The stored JSON forms of a job's records, one for every store: the record
 * {@code {"job": {...}, "seq", "last_step", "total_steps", "reserved_model", "event_count",
 * "checkpoint_count", "version"}}, events and checkpoints as the API shows them. Reads throw
 * {@link RuntimeException}s on damaged input (a store quarantines such records).
 */
public final class JobJson {
    /** A count missing from a record of an older layout: the store counts what it holds. */
    public static final int UNKNOWN_COUNT = -1;

    private JobJson() {}

    public static byte[] record(JobRecord record) {
        return Json.writeBytes(RecordCodec.INSTANCE, record);
    }

    public static JobRecord record(byte[] utf8) {
        return RecordCodec.INSTANCE.read(Json.parse(utf8));
    }

    public static byte[] event(JobEvent event) {
        return Json.writeBytes(JobEventCodec.INSTANCE, event);
    }

    public static JobEvent event(byte[] utf8) {
        return JobEventCodec.INSTANCE.read(Json.parse(utf8));
    }

    public static byte[] checkpoint(Checkpoint checkpoint) {
        return Json.writeBytes(CheckpointCodec.INSTANCE, checkpoint);
    }

    public static Checkpoint checkpoint(byte[] utf8) {
        return CheckpointCodec.INSTANCE.read(Json.parse(utf8));
    }

    private static final class RecordCodec implements JsonCodec<JobRecord> {
        static final RecordCodec INSTANCE = new RecordCodec();

        @Override
        public void write(JsonGenerator g, JobRecord r) throws IOException {
            g.writeStartObject();
            g.writeFieldName("job");
            FineTuningJobCodec.INSTANCE.write(g, r.job());
            g.writeNumberField("seq", r.seq());
            g.writeNumberField("last_step", r.lastStep());
            g.writeNumberField("total_steps", r.totalSteps());
            g.writeStringField("reserved_model", r.reservedModel());
            g.writeNumberField("event_count", r.eventCount());
            g.writeNumberField("checkpoint_count", r.checkpointCount());
            g.writeNumberField("version", r.version());
            g.writeEndObject();
        }

        @Override
        public JobRecord read(JsonValue json) {
            FieldReader r = FieldReader.of(json, "");
            // Records written before event_count, checkpoint_count and version existed: every file counts.
            return new JobRecord(FineTuningJobCodec.INSTANCE.read(r.raw("job")), r.longValue("seq"), r.integer("last_step"),
                    r.integer("total_steps"), r.string("reserved_model"), orElse(r.integer("event_count")),
                    orElse(r.integer("checkpoint_count")), r.has("version") ? r.longValue("version") : 1);
        }

        private static int orElse(Integer value) {
            return value == null ? UNKNOWN_COUNT : value;
        }
    }
}
