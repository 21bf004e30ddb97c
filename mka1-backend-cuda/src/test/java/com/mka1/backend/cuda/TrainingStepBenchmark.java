package com.mka1.backend.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import com.mka1.core.model.BatchResult;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Parameter;
import com.mka1.spi.AdamWParameter;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * GPU benchmark (run by bench/gpu-check.sh and bench/gpu-run.sh), in parts ({@code --parts}):
 * {@code matmul}: matmul throughput for the model's projection shapes; {@code synthetic}: full
 * fine-tuning steps of a random model written with the SPI kernels (with a per-kernel time
 * breakdown); {@code lora} and {@code full}: LoRA (all seven projections, rank {@code --lora-rank})
 * and full fine-tuning steps of mka1-core's LlamaModel on a random model of the shape, optionally
 * recomputing activations in the backward pass ({@code --recompute}). Reported as tokens/s, MFU
 * against the GPU's dense BF16 tensor-core peak, and peak GPU memory.
 *
 * <pre>
 * java ... com.mka1.backend.cuda.TrainingStepBenchmark [--backend cuda] [--config smollm-135m|llama-3.2-1b|llama-3.1-8b]
 *      [--batch 8] [--seq 512] [--steps 10] [--warmup 2] [--peak-tflops 989] [--matmul 3xtf32|tf32|bf16|fp32]
 *      [--gemm auto|cublaslt|kernels] [--attention tiled|flash] [--parts matmul,synthetic,lora[,full]]
 *      [--lora-rank 8] [--recompute] [--profile true|false]
 * </pre>
 */
public final class TrainingStepBenchmark {
    private TrainingStepBenchmark() {}

    public static void main(String[] args) {
        String backend = option(args, "--backend", "cuda");
        LlamaShape shape = LlamaShape.named(option(args, "--config", "smollm-135m"),
                Integer.parseInt(option(args, "--batch", "8")), Integer.parseInt(option(args, "--seq", "512")));
        int steps = Integer.parseInt(option(args, "--steps", "10"));
        int warmup = Integer.parseInt(option(args, "--warmup", "2"));
        Map<String, String> extra = new java.util.HashMap<>();
        for (String[] o : new String[][] {{"--matmul", MatmulPath.OPTION}, {"--gemm", GemmEngine.OPTION},
                {"--attention", FlashAttention.OPTION}}) {
            String value = option(args, o[0], null);
            if (value != null) extra.put(o[1], value);
        }
        List<String> parts = List.of(option(args, "--parts", "matmul,synthetic,lora").split(","));
        int loraRank = Integer.parseInt(option(args, "--lora-rank", "8"));
        boolean recompute = List.of(args).contains("--recompute");
        boolean profile = Boolean.parseBoolean(option(args, "--profile", "true"));
        try (ComputeDevice dev = BackendUnderTest.open(backend, new BackendOptions(0, 0, Map.copyOf(extra)))) {
            double peak = peakTflops(dev.description(), option(args, "--peak-tflops", null));
            System.out.printf(Locale.ROOT, "device: %s (%s); BF16 dense peak used for MFU: %.0f TFLOP/s%n",
                    dev.description(), dev.backendName(), peak);
            if (parts.contains("matmul")) matmuls(dev, shape);
            if (parts.contains("synthetic")) train(dev, shape, steps, warmup, peak);
            for (String part : List.of("lora", "full")) {
                if (!parts.contains(part)) continue;
                var weights = part.equals("full") ? new TrainableWeights.Full()
                        : new TrainableWeights.Lora(new LoraSpec(loraRank, 2.0 * loraRank, 0.0, EnumSet.allOf(Projection.class), 7));
                trainModel(dev, shape, weights, recompute, steps, warmup, peak, profile);
            }
        }
    }

    private static void matmuls(ComputeDevice dev, LlamaShape shape) {
        int tokens = shape.tokens();
        int[][] shapes = {{shape.qDim(), shape.dim()}, {shape.kvDim(), shape.dim()}, {shape.hidden(), shape.dim()},
                {shape.dim(), shape.hidden()}, {shape.vocab(), shape.dim()}}; // {out, in}
        for (int[] s : shapes) {
            int out = s[0], in = s[1];
            Tensor x = random(dev, DType.F32, tokens, in), w = random(dev, DType.F32, out, in);
            Tensor y = random(dev, DType.F32, tokens, out), dx = dev.allocate(DType.F32, tokens, in);
            Tensor dw = dev.allocate(DType.F32, out, in);
            Kernels k = dev.kernels();
            double flops = 2.0 * tokens * out * in;
            double fwd = millis(dev, () -> k.matmul(y, x, w, tokens, out, in, false, true, 1, false));
            double bwdData = millis(dev, () -> k.matmul(dx, y, w, tokens, in, out, false, false, 1, true));
            double bwdWeight = millis(dev, () -> k.matmul(dw, y, x, out, in, tokens, true, false, 1, true));
            // A frozen BF16 weight, as LoRA runs it: forward and input gradient.
            Tensor wb = random(dev, DType.BF16, out, in);
            double fwdBf16 = millis(dev, () -> k.matmul(y, x, wb, tokens, out, in, false, true, 1, false));
            double bwdBf16 = millis(dev, () -> k.matmul(dx, y, wb, tokens, in, out, false, false, 1, true));
            System.out.printf(Locale.ROOT, "matmul %dx%dx%d: forward %.0f GFLOP/s, input-grad %.0f GFLOP/s, weight-grad %.0f GFLOP/s;"
                            + " BF16 weight: forward %.0f GFLOP/s, input-grad %.0f GFLOP/s%n",
                    tokens, in, out, flops / fwd / 1e6, flops / bwdData / 1e6, flops / bwdWeight / 1e6,
                    flops / fwdBf16 / 1e6, flops / bwdBf16 / 1e6);
            // LoRA's rank-8 products of this layer: x A^T, dY^T (x A^T) and (dY B)^T x.
            Tensor xa = dev.allocate(DType.F32, tokens, 8), a8 = dev.allocate(DType.F32, 8, in), db8 = dev.allocate(DType.F32, out, 8);
            double rankFlops = 2.0 * tokens * in * 8;
            double down = millis(dev, () -> k.matmul(xa, x, a8, tokens, 8, in, false, true, 1, false));
            double gradB = millis(dev, () -> k.matmul(db8, y, xa, out, 8, tokens, true, false, 1, true));
            double gradA = millis(dev, () -> k.matmul(a8, xa, x, 8, in, tokens, true, false, 1, true));
            System.out.printf(Locale.ROOT, "  rank 8: x A^T %.1f us, dB %.1f us, dA %.1f us (%.0f GFLOP/s for x A^T)%n",
                    down * 1e3, gradB * 1e3, gradA * 1e3, rankFlops / down / 1e6);
            for (Tensor t : new Tensor[] {x, w, y, dx, dw, wb, xa, a8, db8}) dev.free(t);
        }
    }

    /** Random values, not zeros (the tensor cores run faster on zeros): one random megafloat repeated. */
    private static Tensor random(ComputeDevice dev, DType dtype, int rows, int cols) {
        Tensor t = dev.allocate(dtype, rows, cols);
        SplittableRandom random = new SplittableRandom(rows * 31L + cols);
        float[] chunk = new float[1 << 20];
        for (int i = 0; i < chunk.length; i++) chunk[i] = (float) (random.nextDouble() * 2 - 1);
        for (long at = 0; at < t.size(); at += chunk.length) {
            dev.copyFromHost(chunk, 0, t, at, (int) Math.min(chunk.length, t.size() - at));
        }
        return t;
    }

    private static void train(ComputeDevice dev, LlamaShape shape, int steps, int warmup, double peakTflops) {
        try (SyntheticLlama model = new SyntheticLlama(dev, shape, 42, 1e-4f)) {
            double loss = 0;
            for (int i = 0; i < warmup; i++) loss = model.trainStep();
            double[] lossHolder = {loss};
            double total = millis(dev, () -> {
                for (int i = 0; i < steps; i++) lossHolder[0] = model.trainStep();
            });
            double stepMillis = total / steps;
            double tokensPerSecond = shape.tokens() / (stepMillis / 1000);
            double tflops = tokensPerSecond * shape.trainingFlopsPerToken() / 1e12;
            System.out.printf(Locale.ROOT,
                    "train %s full fine-tune, %d params, batch %d x %d tokens: %.1f ms/step, %.0f tokens/s, "
                            + "%.2f model TFLOP/s, MFU %.2f%% (loss after %d steps %.4f)%n",
                    shape.name(), shape.parameters(), shape.batch(), shape.seqLen(), stepMillis, tokensPerSecond,
                    tflops, 100 * tflops / peakTflops, warmup + steps, lossHolder[0]);
            printMemory(dev);
        }
        // Where the time goes: one more step with every kernel call timed on its own.
        ProfilingKernels profile = new ProfilingKernels(dev);
        try (SyntheticLlama model = new SyntheticLlama(dev, profile, shape, 42, 1e-4f)) {
            model.trainStep();
        }
        System.out.print("time per kernel, one step (each call timed alone):\n" + profile.report());
    }

    /**
     * mka1-core's LlamaModel on a random model of the shape written to a temporary directory:
     * LoRA (frozen BF16 base, adapters on all seven projections) or full fine-tuning, AdamW on what
     * trains (one multi-tensor call). FLOPs per token: 4 per base weight for LoRA (forward and input
     * gradient; no weight gradient), 6 for full fine-tuning, plus attention; adapters not counted.
     */
    private static void trainModel(ComputeDevice dev, LlamaShape shape, TrainableWeights weights, boolean recompute,
                                   int steps, int warmup, double peakTflops, boolean profileStep) {
        boolean lora = weights instanceof TrainableWeights.Lora;
        String what = lora ? "LoRA r=" + ((TrainableWeights.Lora) weights).spec().rank() + " all projections (LlamaModel, BF16 base)"
                : "full fine-tune (LlamaModel, F32 weights)";
        Path dir;
        try {
            dir = Files.createTempDirectory("mka1-bench-model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long written = System.nanoTime();
            RandomLlamaDir.write(shape, dir, 42);
            System.out.printf(Locale.ROOT, "wrote a random %s (%d parameters) in %.1f s%n", shape.name(), shape.parameters(),
                    (System.nanoTime() - written) / 1e9);
            PackedBatch batch = randomBatch(shape);
            try (LlamaModel model = LlamaModel.load(dir, dev, weights, recompute)) {
                ModelStepper stepper = new ModelStepper(dev, model);
                double loss = 0;
                for (int i = 0; i < warmup; i++) loss = stepper.step(batch);
                double[] lossHolder = {loss};
                double total = timed(dev, () -> { // warmed up above: the big shapes run each step once
                    for (int i = 0; i < steps; i++) lossHolder[0] = stepper.step(batch);
                });
                double stepMillis = total / steps;
                double tokensPerSecond = shape.tokens() / (stepMillis / 1000);
                double tflops = tokensPerSecond * (lora ? shape.loraFlopsPerToken() : shape.trainingFlopsPerToken()) / 1e12;
                System.out.printf(Locale.ROOT,
                        "train %s %s%s, batch %d x %d tokens: %.1f ms/step, %.0f tokens/s, %.2f model TFLOP/s, MFU %.2f%% "
                                + "(loss %.4f)%n",
                        shape.name(), what, recompute ? ", recomputing activations" : "", shape.batch(), shape.seqLen(),
                        stepMillis, tokensPerSecond, tflops, 100 * tflops / peakTflops, lossHolder[0]);
                printMemory(dev);
                stepper.close();
            }
            if (!profileStep) return;
            // Where the time goes: one step with every kernel timed alone.
            ProfilingDevice profile = new ProfilingDevice(dev);
            try (LlamaModel model = LlamaModel.load(dir, profile, weights, recompute)) {
                ModelStepper stepper = new ModelStepper(profile, model);
                stepper.step(batch);
                stepper.close();
            }
            System.out.print("time per kernel, one step (each call timed alone):\n" + profile.report());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + dir + ": " + e.getMessage());
            }
        }
    }

    /** Peak bytes in tensors (what the model asked for) and what the caching allocator holds from the driver. */
    private static void printMemory(ComputeDevice dev) {
        String held = dev instanceof CudaDevice cuda
                ? String.format(Locale.ROOT, ", %.2f GiB held by the allocator", cuda.reservedBytes() / (double) (1L << 30)) : "";
        System.out.printf(Locale.ROOT, "memory: %.2f GiB peak in tensors%s%n", dev.memoryInfo().peak() / (double) (1L << 30), held);
    }

    /** One example per row, random tokens, every position but the last carrying a loss. */
    private static PackedBatch randomBatch(LlamaShape shape) {
        int n = shape.tokens();
        int[] tokens = new int[n], targets = new int[n], positions = new int[n], segStart = new int[n];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < n; i++) tokens[i] = 3 + random.nextInt(shape.vocab() - 3);
        for (int i = 0; i < n; i++) {
            int t = i % shape.seqLen();
            positions[i] = t;
            targets[i] = t + 1 < shape.seqLen() ? tokens[i + 1] : -1;
        }
        return new PackedBatch(shape.batch(), shape.seqLen(), tokens, targets, positions, segStart);
    }

    /** Zero gradients, forward and backward, AdamW on what trains (one multi-tensor call, as mka1-core's AdamW makes). */
    private static final class ModelStepper implements AutoCloseable {
        private final ComputeDevice dev;
        private final LlamaModel model;
        private final List<Tensor> moments = new ArrayList<>();
        private final List<AdamWParameter> parameters = new ArrayList<>();
        private int step;

        ModelStepper(ComputeDevice dev, LlamaModel model) {
            this.dev = dev;
            this.model = model;
            for (Parameter p : model.trainableParameters()) {
                Tensor m = dev.allocate(DType.F32, p.value().shape()), v = dev.allocate(DType.F32, p.value().shape());
                moments.add(m);
                moments.add(v);
                parameters.add(new AdamWParameter(p.value(), p.gradient(), m, v, 0f));
            }
        }

        double step(PackedBatch batch) {
            step++;
            model.zeroGradients();
            BatchResult result = model.forwardBackward(batch, 1f / batch.targetCount(), step);
            dev.kernels().adamw(parameters, 1e-4f, 0.9f, 0.999f, 1e-8f, step);
            return result.meanLoss();
        }

        @Override
        public void close() {
            for (Tensor t : moments) dev.free(t);
        }
    }

    /** GPU time from CUDA events on the cuda backend, wall time after a synchronize elsewhere; after one warm-up run. */
    private static double millis(ComputeDevice dev, Runnable work) {
        work.run(); // warm (module load, allocator)
        return timed(dev, work);
    }

    /** {@link #millis} without the warm-up run. */
    private static double timed(ComputeDevice dev, Runnable work) {
        dev.synchronize();
        if (dev instanceof CudaDevice cuda) return cuda.timeMillis(work);
        long start = System.nanoTime();
        work.run();
        dev.synchronize();
        return (System.nanoTime() - start) / 1e6;
    }

    /** Dense BF16 tensor-core peaks from the vendors' data sheets. */
    static double peakTflops(String description, String override) {
        if (override != null) return Double.parseDouble(override);
        String d = description.toUpperCase(Locale.ROOT);
        Supplier<IllegalArgumentException> unknown = () -> new IllegalArgumentException(
                "unknown GPU '" + description + "': pass --peak-tflops with its dense BF16 peak");
        if (d.contains("H200") || d.contains("GH200")) return 989;
        if (d.contains("H100")) return d.contains("PCIE") ? 756 : 989;
        if (d.contains("H800")) return 989;
        if (d.contains("B200")) return 2250;
        if (d.contains("A100")) return 312;
        if (d.contains("L40S")) return 362;
        if (d.contains("L4")) return 121;
        if (d.contains("A10G") || d.contains("A10 ")) return 125;
        if (d.contains("RTX 4090")) return 165;
        throw unknown.get();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
        return fallback;
    }
}
