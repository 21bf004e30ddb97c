package com.mka1.api.finetuning;

import com.mka1.api.JsonValue;

import java.util.Objects;

/**
 * One entry of a job's log ({@code "object": "fine_tuning.job.event"}).
 *
 * @param id        {@code ftevent_} + 32 hex
 * @param createdAt Unix seconds
 * @param level     severity
 * @param message   e.g. "Step 10/120: training loss=1.234"
 * @param type      message or metrics
 * @param data      metrics ({@code step}, {@code total_steps}, {@code train_loss}, ...) or null
 */
public record JobEvent(String id, long createdAt, EventLevel level, String message, EventType type, JsonValue data) {
    public JobEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(type, "type");
        if (data == null) data = JsonValue.Null.INSTANCE;
    }
}
