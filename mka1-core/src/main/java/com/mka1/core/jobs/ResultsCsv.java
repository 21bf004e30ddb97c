package com.mka1.core.jobs;

import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.JobEvent;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The result file of a job: one CSV row per training step,
 * {@code step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy,learning_rate},
 * built from the job's metrics events (validation columns from the checkpoint at that step, else empty).
 */
final class ResultsCsv {
    static final String HEADER = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy,learning_rate";

    private ResultsCsv() {}

    static String build(List<JobEvent> events, List<Checkpoint> checkpoints) {
        Map<Integer, Checkpoint> byStep = checkpoints.stream()
                .collect(Collectors.toMap(Checkpoint::stepNumber, Function.identity(), (a, b) -> a));
        TreeMap<Integer, String> rows = new TreeMap<>();
        for (JobEvent e : events) {
            if (e.type() != EventType.METRICS || !(e.data() instanceof JsonValue.Obj d)) continue;
            int step = num(d, "step").intValue();
            Checkpoint c = byStep.get(step);
            rows.putIfAbsent(step, step + "," + text(d, "train_loss") + "," + text(d, "train_mean_token_accuracy") + ","
                    + (c == null || c.metrics().validLoss() == null ? "" : c.metrics().validLoss()) + ","
                    + (c == null || c.metrics().validMeanTokenAccuracy() == null ? "" : c.metrics().validMeanTokenAccuracy()) + ","
                    + text(d, "learning_rate"));
        }
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        rows.values().forEach(r -> csv.append(r).append('\n'));
        return csv.toString();
    }

    private static BigDecimal num(JsonValue.Obj d, String name) {
        return d.get(name) instanceof JsonValue.Num(BigDecimal v) ? v : BigDecimal.ZERO;
    }

    private static String text(JsonValue.Obj d, String name) {
        return d.get(name) instanceof JsonValue.Num(BigDecimal v) ? v.toPlainString() : "";
    }
}
