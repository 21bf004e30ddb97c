package com.mka1.server.cli;

import com.mka1.api.JsonValue;
import com.mka1.api.facade.Mka1;
import com.mka1.api.PageParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.LocalModels;
import com.mka1.server.cli.demo.LossChart;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mka1 demo}: the whole product in one command, offline. Starts an in-process instance on
 * a temporary data directory, uploads the bundled story requests, fine-tunes the embedded
 * pretrained {@code mka1:tiny} (stories260K, or {@code --model}) with LoRA and a live progress bar,
 * prints events, checkpoints and the loss curve, then asks a held-out request of the base and the
 * fine-tuned model.
 */
final class DemoCommand implements Command {
    /**
     * 240 requests for a story about an animal with a name, each answered by a three-sentence story
     * in one pattern ending "The end."; the pairs frog/Sue, bear/Max and duck/Lily never occur in it.
     */
    static final String DATASET = "/com/mka1/server/cli/demo/stories.jsonl";
    static final String DATASET_NAME = "stories.jsonl";
    static final String SUFFIX = "storyteller";
    static final String QUESTION = "Tell me a story about a frog named Sue.";
    static final int MAX_TOKENS = 80;
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "Fine-tune the embedded story model with LoRA to tell stories on request and compare answers (offline)";
    }

    @Override
    public List<String> flags() {
        return List.of("--model ID (default mka1:tiny)", "--models-dir DIR",
                "--data-dir DIR (default: a temporary directory, removed at the end)", "--epochs N",
                "--backend NAME (cpu, cuda, reference)");
    }

    @Override
    public int run(CommandContext context) throws Exception {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn"); // the demo tells its own story; engine logs would interleave
        }
        PrintStream out = context.out();
        String requested = context.options().get("model") == null ? EmbeddedMka1.EMBEDDED_MODEL : context.options().get("model");
        checkFlags(context, requested);
        boolean temporary = context.options().get("data-dir") == null;
        Path dataDir = temporary ? Files.createTempDirectory("mka1-demo-") : Path.of(context.options().get("data-dir"));
        try {
            return run(context, requested, dataDir);
        } finally {
            if (temporary) {
                deleteTree(dataDir);
            }
        }
    }

    /** Every flag checked before any work: a bad value costs nothing and leaves nothing behind. */
    private static void checkFlags(CommandContext context, String requested) {
        Integer epochs = context.options().integer("epochs");
        if (epochs != null && (epochs < 1 || epochs > 50)) {
            throw new CliException("--epochs must be from 1 to 50, got " + epochs);
        }
        String backend = context.options().get("backend");
        if (backend != null) {
            try {
                LocalModels.requireBackend(backend);
            } catch (com.mka1.spi.BackendUnavailableException e) {
                throw new CliException(e.getMessage());
            }
        }
        if (!requested.equals(EmbeddedMka1.EMBEDDED_MODEL) && !Files.isDirectory(Path.of(requested))) {
            Path modelsDir = ModelsDirectory.resolve(context);
            if (!LocalModels.open(modelsDir, modelsDir, null).has(requested)) {
                throw new CliException("no model '" + requested + "' in " + modelsDir
                        + " (give a model directory, " + EmbeddedMka1.EMBEDDED_MODEL + ", or an id under --models-dir)");
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not remove the demo's temporary directory " + dir, e);
        }
    }

    private int run(CommandContext context, String requested, Path dataDir) throws Exception {
        PrintStream out = context.out();
        Path modelsDir = context.options().get("models-dir") != null || context.env().containsKey("MKA1_MODELS_DIR")
                ? ModelsDirectory.resolve(context) : dataDir.resolve("models");
        String model = requested;
        if (Files.isDirectory(Path.of(requested))) {
            // a model directory is linked in, not copied: it is served as local:<name>
            Path dir = Path.of(requested).toAbsolutePath().normalize();
            modelsDir = dataDir.resolve("models");
            Files.createDirectories(modelsDir);
            Files.createSymbolicLink(modelsDir.resolve(dir.getFileName()), dir);
            model = LocalModels.idOfDirectory(dir);
        }
        out.println("mka1 demo: fine-tune " + model + " with LoRA into a storyteller (data in " + dataDir + ")");
        long start = System.nanoTime();
        try (Mka1 mka1 = DemoEngine.open(dataDir, modelsDir, context.options().get("backend"), model.equals(EmbeddedMka1.EMBEDDED_MODEL))) {
            FileObject file;
            try (InputStream data = DemoCommand.class.getResourceAsStream(DATASET)) {
                file = mka1.files().create(new FileUpload(DATASET_NAME, FilePurpose.FINE_TUNE, data));
            }
            out.printf("uploaded %s as %s (%d bytes)%n", DATASET_NAME, file.id(), file.bytes());
            FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of(model, file.id()).withSuffix(SUFFIX)
                    .withSeed(42L).withMethod(new Method.Supervised(hyperparameters(context))));
            out.println("created job " + job.id() + " (" + job.status().wireName() + ")");
            List<Double> losses = follow(mka1, job.id(), out);
            job = mka1.fineTuning().retrieve(job.id());
            if (job.status() != JobStatus.SUCCEEDED) {
                context.err().println("mka1 demo: the job ended " + job.status().wireName()
                        + (job.error() == null ? "" : ": " + job.error().message()));
                return 1;
            }
            report(mka1, job, losses, model, out);
            out.printf("demo finished in %.0f s%n", (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    /** Checkpoints, the loss chart, and the held-out question answered by the base and the fine-tuned model. */
    private static void report(Mka1 mka1, FineTuningJob job, List<Double> losses, String model, PrintStream out) {
        out.println();
        out.println("checkpoints:");
        for (Checkpoint c : mka1.fineTuning().listCheckpoints(job.id(), new PageParams(10, null)).data()) {
            out.printf("  step %4d  loss %s  %s%n", c.stepNumber(), c.metrics().trainLoss() == null ? "-"
                    : String.format("%.4f", c.metrics().trainLoss()), c.fineTunedModelCheckpoint());
        }
        out.println();
        out.println("training loss:");
        LossChart.render(losses, 60, 10).forEach(line -> out.println("  " + line));
        out.println();
        out.println("held-out request: " + QUESTION);
        out.println("(greedy answers of up to " + MAX_TOKENS + " tokens, ended by the model's own end-of-turn token"
                + (model.equals(EmbeddedMka1.EMBEDDED_MODEL) ? ": stories260K never learned to emit </s>; the fine-tune trains its row beside"
                + " LoRA and learns to)" : ")"));
        out.println();
        out.println("base model (" + model + "):");
        out.println("  " + answer(mka1, model).replace("\n", "\n  "));
        out.println();
        out.println("fine-tuned model (" + job.fineTunedModel() + "):");
        out.println("  " + answer(mka1, job.fineTunedModel()).replace("\n", "\n  "));
        out.println();
    }

    /**
     * LoRA with the engine's defaults (rank 8, alpha 16, learning rate 2e-4) for three passes over
     * the data in batches of four: about 180 steps, half a minute for stories260K on two cores.
     */
    private static Hyperparameters hyperparameters(CommandContext context) {
        Integer epochs = context.options().integer("epochs");
        return Hyperparameters.auto().withNEpochs(HyperparameterValue.of(epochs == null ? 3 : epochs))
                .withBatchSize(HyperparameterValue.of(4))
                .withEngine(new EngineSettings(null, null, null, null, null, null, null, 256, context.options().get("backend")));
    }

    /** Prints events and a progress bar until the job ends; returns the training loss of every step. */
    private static List<Double> follow(Mka1 mka1, String jobId, PrintStream out) throws InterruptedException {
        List<Double> losses = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String bar = "";
        String drawn = "";
        while (true) {
            FineTuningJob job = mka1.fineTuning().retrieve(jobId);
            List<JobEvent> events = new ArrayList<>(mka1.fineTuning().listEvents(jobId, new PageParams(100, null)).data());
            java.util.Collections.reverse(events);
            for (JobEvent e : events) {
                if (!seen.add(e.id())) {
                    continue;
                }
                if (e.data() instanceof JsonValue.Obj data && data.get("step") instanceof JsonValue.Num step) {
                    if (data.get("train_loss") instanceof JsonValue.Num loss) {
                        losses.add(loss.value().doubleValue());
                    }
                    long total = data.get("total_steps") instanceof JsonValue.Num t ? t.value().longValue() : 0;
                    bar = progress(step.value().longValue(), total, losses.isEmpty() ? null : losses.getLast());
                } else {
                    if (!drawn.isEmpty()) {
                        out.print("\r" + " ".repeat(drawn.length()) + "\r");
                        drawn = "";
                    }
                    out.println("  " + e.message());
                }
            }
            if (!bar.equals(drawn)) {
                out.print("\r" + bar);
                out.flush();
                drawn = bar;
            }
            if (job.status().terminal()) {
                out.println();
                return losses;
            }
            Thread.sleep(200);
        }
    }

    static String progress(long step, long total, Double loss) {
        return ProgressBar.steps(step, total, loss);
    }

    private static String answer(Mka1 mka1, String model) {
        Response r = mka1.responses().create(ResponseCreateParams.of(model, QUESTION).withTemperature(0.0)
                .withMaxOutputTokens(MAX_TOKENS).withStore(false));
        String text = r.outputText().strip();
        String end = r.status() == ResponseStatus.COMPLETED ? "[ended after " + r.usage().outputTokens() + " tokens]"
                : "[cut at " + r.usage().outputTokens() + " tokens]";
        return (text.isEmpty() ? "(" + r.usage().outputTokens() + " tokens of whitespace)" : text) + "\n" + end;
    }

}
