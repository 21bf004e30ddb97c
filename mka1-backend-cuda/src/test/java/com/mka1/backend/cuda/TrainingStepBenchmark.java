package com.mka1.backend.cuda;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * GPU benchmark (run by bench/gpu-check.sh): matmul throughput for the SmolLM-135M shapes, then
 * full fine-tuning steps of a random SmolLM-135M-sized model, reported as tokens/s and as MFU
 * against the GPU's dense BF16 tensor-core peak.
 *
 * <pre>
 * java ... com.mka1.backend.cuda.TrainingStepBenchmark [--backend cuda] [--config smollm-135m]
 *      [--batch 8] [--seq 512] [--steps 10] [--warmup 2] [--peak-tflops 989] [--matmul 3xtf32|tf32|bf16|fp32]
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
        String matmul = option(args, "--matmul", null);
        var options = new BackendOptions(0, 0, matmul == null ? Map.of() : Map.of(MatmulPath.OPTION, matmul));
        try (ComputeDevice dev = BackendUnderTest.open(backend, options)) {
            double peak = peakTflops(dev.description(), option(args, "--peak-tflops", null));
            System.out.printf(Locale.ROOT, "device: %s (%s); BF16 dense peak used for MFU: %.0f TFLOP/s%n",
                    dev.description(), dev.backendName(), peak);
            matmuls(dev, shape.tokens());
            train(dev, shape, steps, warmup, peak);
        }
    }

    private static void matmuls(ComputeDevice dev, int tokens) {
        int[][] shapes = {{576, 576}, {1536, 576}, {576, 1536}, {49152, 576}}; // {out, in}
        for (int[] s : shapes) {
            int out = s[0], in = s[1];
            Tensor x = dev.allocate(DType.F32, tokens, in), w = dev.allocate(DType.F32, out, in);
            Tensor y = dev.allocate(DType.F32, tokens, out), dx = dev.allocate(DType.F32, tokens, in);
            Tensor dw = dev.allocate(DType.F32, out, in);
            Kernels k = dev.kernels();
            double flops = 2.0 * tokens * out * in;
            double fwd = millis(dev, () -> k.matmul(y, x, w, tokens, out, in, false, true, 1, false));
            double bwdData = millis(dev, () -> k.matmul(dx, y, w, tokens, in, out, false, false, 1, true));
            double bwdWeight = millis(dev, () -> k.matmul(dw, y, x, out, in, tokens, true, false, 1, true));
            System.out.printf(Locale.ROOT, "matmul %dx%dx%d: forward %.0f GFLOP/s, input-grad %.0f GFLOP/s, weight-grad %.0f GFLOP/s%n",
                    tokens, in, out, flops / fwd / 1e6, flops / bwdData / 1e6, flops / bwdWeight / 1e6);
            for (Tensor t : new Tensor[] {x, w, y, dx, dw}) dev.free(t);
        }
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
            System.out.printf(Locale.ROOT, "memory: %.2f GiB peak in tensors%n", dev.memoryInfo().peak() / (double) (1L << 30));
        }
        // Where the time goes: one more step with every kernel call timed on its own.
        ProfilingKernels profile = new ProfilingKernels(dev);
        try (SyntheticLlama model = new SyntheticLlama(dev, profile, shape, 42, 1e-4f)) {
            model.trainStep();
        }
        System.out.print("time per kernel, one step (each call timed alone):\n" + profile.report());
    }

    /** GPU time from CUDA events on the cuda backend, wall time after a synchronize elsewhere. */
    private static double millis(ComputeDevice dev, Runnable work) {
        work.run(); // warm (module load, allocator)
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
