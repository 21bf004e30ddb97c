package com.mka1.server.cli;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mka1 llm fine-tuning watch}: follows a job until it ends, drawing a progress bar from its
 * latest metrics event (step/total, training loss, ETA). On a terminal the bar redraws in place;
 * otherwise a line is printed whenever it changes. Prints the final job; exits 0 only on success.
 */
final class WatchCommand implements Command {
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

    @Override
    public String name() {
        return "llm fine-tuning watch";
    }

    @Override
    public String summary() {
        return "Follow a job with a live progress bar until it ends";
    }

    @Override
    public List<String> flags() {
        return List.of("--fine-tuning-job-id ID" + Command.REQUIRED, "--interval SECONDS");
    }

    @Override
    public int run(CommandContext context) throws InterruptedException {
        ApiClient client = context.client();
        String jobPath = LlmCommands.jobPath(context.options(), "");
        Duration interval = interval(context.options());
        boolean terminal = System.console() != null && System.console().isTerminal() && context.out() == System.out;
        Progress progress = new Progress();
        String lastLine = null;
        while (true) {
            String jobJson = client.get(jobPath, Map.of()).body();
            JsonValue.Obj job = JsonText.parseObject(jobJson, "the job");
            String status = Json.text(job.get("status"));
            progress.observe(latestMetrics(client, jobPath), job.get("estimated_finish"), System.currentTimeMillis());
            String line = progress.render(status);
            if (terminal) {
                context.out().print("\r" + line + "\u001b[K");
                context.out().flush();
            } else if (!line.equals(lastLine)) {
                context.out().println(line);
            }
            lastLine = line;
            if (TERMINAL.contains(status)) {
                if (terminal) {
                    context.out().println();
                }
                context.printJson(jobJson);
                return status.equals("succeeded") ? 0 : 1;
            }
            Thread.sleep(interval);
        }
    }

    private static Duration interval(Options options) {
        String text = options.get("interval");
        if (text == null) {
            return Duration.ofSeconds(1);
        }
        try {
            double seconds = Double.parseDouble(text);
            if (seconds > 0 && seconds <= 3600) {
                return Duration.ofMillis((long) (seconds * 1000));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CliException("--interval must be a number of seconds (0 < s <= 3600), got '" + text + "'");
    }

    /** The data of the newest metrics event, or null. */
    private static JsonValue.Obj latestMetrics(ApiClient client, String jobPath) {
        JsonValue.Obj page = JsonText.parseObject(client.get(jobPath + "/events", Map.of("limit", "20")).body(),
                "the events page");
        if (page.get("data") instanceof JsonValue.Arr(List<JsonValue> events)) {
            for (JsonValue event : events) {
                if (event instanceof JsonValue.Obj e && e.get("type") instanceof JsonValue.Str(String type) && type.equals("metrics")
                        && e.get("data") instanceof JsonValue.Obj data && data.get("step") instanceof JsonValue.Num) {
                    return data;
                }
            }
        }
        return null;
    }

    /** What the bar shows; ETA from the job's estimate, else from the observed step rate. */
    static final class Progress {
        private long step = -1;
        private long total;
        private Double loss;
        private long firstStep = -1;
        private long firstMillis;
        private long etaSeconds = -1;

        void observe(JsonValue.Obj metrics, JsonValue estimatedFinish, long nowMillis) {
            if (metrics != null) {
                step = Json.numberOrNull(metrics.get("step")).longValue();
                total = Json.numberOrNull(metrics.get("total_steps")) instanceof Double n ? n.longValue() : 0;
                loss = Json.numberOrNull(metrics.get("train_loss"));
                if (firstStep < 0) {
                    firstStep = step;
                    firstMillis = nowMillis;
                }
            }
            if (Json.numberOrNull(estimatedFinish) instanceof Double finish) {
                etaSeconds = Math.max(0, finish.longValue() - nowMillis / 1000);
            } else if (firstStep >= 0 && step > firstStep && total > step) {
                double millisPerStep = (double) (nowMillis - firstMillis) / (step - firstStep);
                etaSeconds = Math.round(millisPerStep * (total - step) / 1000);
            } else {
                etaSeconds = -1;
            }
        }

        String render(String status) {
            double fraction = total > 0 && step >= 0 ? Math.min(1, (double) step / total) : 0;
            if (status.equals("succeeded")) {
                fraction = 1;
            }
            StringBuilder line = new StringBuilder(ProgressBar.bar(fraction));
            if (step >= 0) {
                line.append("  step ").append(step).append('/').append(total > 0 ? total : "?");
            }
            if (loss != null) {
                line.append(String.format("  loss %.4f", loss));
            }
            if (etaSeconds >= 0 && !TERMINAL.contains(status)) {
                line.append(String.format("  ETA %d:%02d", etaSeconds / 60, etaSeconds % 60));
            }
            line.append("  ").append(status);
            return line.toString();
        }
    }
}
