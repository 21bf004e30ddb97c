package com.mka1.core.jobs;

import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.JobEvent;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsCsvTest {
    private static JobEvent step(int step, double loss, double accuracy) {
        Map<String, JsonValue> data = new LinkedHashMap<>();
        data.put("step", JsonValue.Num.of(step));
        data.put("train_loss", JsonValue.Num.of(loss));
        data.put("train_mean_token_accuracy", JsonValue.Num.of(accuracy));
        data.put("learning_rate", JsonValue.Num.of(2e-4));
        return new JobEvent("ftevent_" + step, 1, EventLevel.INFO, "Step", EventType.METRICS, new JsonValue.Obj(data));
    }

    @Test
    void oneRowPerStepWithValidationFromCheckpoints() {
        List<JobEvent> events = List.of(
                new JobEvent("ftevent_x", 1, EventLevel.INFO, "Fine-tuning job started", EventType.MESSAGE, null),
                step(2, 0.75, 0.5), step(1, 1.25, 0.25));
        Checkpoint c = new Checkpoint("ftckpt_2", 1, "m", "j", 2, new CheckpointMetrics(2, 0.75, 0.5, 0.875, 0.625, null, null));
        assertThat(ResultsCsv.build(events, List.of(c))).isEqualTo("""
                step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy,learning_rate
                1,1.25,0.25,,,0.0002
                2,0.75,0.5,0.875,0.625,0.0002
                """);
    }
}
