package com.mka1.bench.llama;

import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.KvCache;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import com.mka1.core.model.BatchResult;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.train.optim.AdamW;
import com.mka1.backend.cpu.CpuBackend;
import com.mka1.backend.cpu.CpuProfiling;
import com.mka1.bench.profile.MachinePeaks;
import com.mka1.bench.profile.Phase;
import com.mka1.bench.profile.PhaseDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;

/**
 * Training and inference throughput of the engine's {@link LlamaModel} on a backend, for a randomly
 * initialised model of a benchmark configuration. Usage: {@code LlamaBench CONFIG THREADS [STEPS]
 * [BACKEND]}, CONFIG one of smollm-lora, smollm-full, tinystories-full. One training step is
 * forward, fused loss, backward and AdamW; the first step is a warm-up. Prints one JSON line with
 * train tokens/s, prompt tokens/s (median prefill of {@value #PROMPT} tokens over {@value #PREFILLS}
 * runs) and greedy decode tokens/s ({@value #DECODE} tokens with the KV cache); beside them the
 * machine's measured FMA peak, copy and read bandwidth, training MFU, the decode bound (weight
 * and KV bytes per token over the larger of the two bandwidths), one extra step's time per {@link Phase}, and the
 * process's peak RSS (before the peaks are measured).
 */
public final class LlamaBench {
    private static final int PROMPT = 128;
    private static final int DECODE = 64;
    private static final int PREFILLS = 5;

    private LlamaBench() {}

    public static void main(String[] args) {
        LlamaShape shape = LlamaShape.named(args[0]);
        int threads = Integer.parseInt(args[1]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String backendName = args.length > 3 ? args[3] : "cpu";
        Path modelDir = RandomModelDir.ensure(Path.of(System.getProperty("java.io.tmpdir"), "mka1-bench-models"), shape);
        ComputeBackend backend = ServiceLoader.load(ComputeBackend.class).stream().map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals(backendName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend " + backendName));
        TrainableWeights trainableWeights = shape.lora()
                ? new TrainableWeights.Lora(new LoraSpec(shape.loraRank(), 2.0 * shape.loraRank(), 0.0,
                        EnumSet.allOf(Projection.class), 42))
                : new TrainableWeights.Full();
        try (ComputeDevice inner = backend.open(new BackendOptions(threads, 0, Map.of(CpuBackend.PROFILE_OPTION, "true")));
             PhaseDevice device = new PhaseDevice(inner);
             LlamaModel model = LlamaModel.load(modelDir, device, trainableWeights, false);
             AdamW optimizer = new AdamW(model.trainableParameters(), AdamW.Config.defaults())) {
            PackedBatch batch = randomBatch(shape, new Random(7));
            float gradScale = 1f / batch.targetCount();
            BatchResult result = trainStep(model, optimizer, batch, gradScale, 1); // warm-up: JIT, first touch
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) result = trainStep(model, optimizer, batch, gradScale, i + 2);
            double trainSeconds = (System.nanoTime() - start) / 1e9;

            int[] prompt = Arrays.copyOf(batch.tokens(), PROMPT);
            generate(model, prompt, 2); // warm-up
            double[] prefills = new double[PREFILLS]; // median of several: one prefill is a few milliseconds
            for (int i = 0; i < PREFILLS; i++) {
                start = System.nanoTime();
                generate(model, prompt, 1);
                prefills[i] = (System.nanoTime() - start) / 1e9;
            }
            Arrays.sort(prefills);
            double prefill = prefills[PREFILLS / 2];
            start = System.nanoTime();
            generate(model, prompt, DECODE + 1);
            double decode = (System.nanoTime() - start) / 1e9 - prefill;

            int profiledStep = steps + 2;
            Map<Phase, Double> phases = device.profile(() -> {
                model.zeroGradients();
                model.forwardBackward(batch, gradScale, profiledStep);
            }, () -> optimizer.step(profiledStep, 1e-4));
            long peakRss = peakRssBytes(); // before the peaks' copy arrays
            long devicePeak = device.memoryInfo().peak();
            MachinePeaks peaks = MachinePeaks.measure(threads);
            double trainTokens = steps * shape.tokens() / trainSeconds;
            double decodeBytes = decodeBytesPerToken(model, shape);
            StringBuilder phaseJson = new StringBuilder();
            for (var e : phases.entrySet()) {
                phaseJson.append(phaseJson.isEmpty() ? "" : ",")
                        .append(String.format(Locale.ROOT, "\"%s\":%.1f", e.getKey().label(), e.getValue()));
            }
            System.out.println(String.format(Locale.ROOT,
                    "{\"config\":\"%s\",\"backend\":\"%s\",\"device\":\"%s\",\"threads\":%d,\"tokens_per_step\":%d,"
                            + "\"steps\":%d,\"trainable_parameters\":%d,\"loss\":%.4f,\"train_tokens_per_s\":%.1f,"
                            + "\"prompt_tokens_per_s\":%.1f,\"decode_tokens_per_s\":%.2f,"
                            + "\"train_flops_per_token\":%.4g,\"peak_gflops\":%.1f,\"mfu\":%.3f,\"copy_gbps\":%.2f,"
                            + "\"read_gbps\":%.2f,\"decode_bytes_per_token\":%.4g,\"decode_bound_tokens_per_s\":%.2f,"
                            + "\"peak_rss_mb\":%.0f,\"device_peak_mb\":%.0f,\"packed_weights_mb\":%.0f,\"step_phases_ms\":{%s}}",
                    shape.name(), backendName, device.description(), threads, shape.tokens(), steps,
                    model.trainableValueCount(), result.lossSum() / result.tokens(), trainTokens,
                    PROMPT / prefill, DECODE / decode,
                    shape.trainFlopsPerToken(), peaks.gflops(), trainTokens * shape.trainFlopsPerToken() / 1e9 / peaks.gflops(),
                    peaks.copyGBps(), peaks.readGBps(), decodeBytes, Math.max(peaks.copyGBps(), peaks.readGBps()) * 1e9 / decodeBytes,
                    peakRss / 1e6, devicePeak / 1e6, CpuProfiling.packedWeightBytes(inner) / 1e6, phaseJson));
        }
    }

    /**
     * Bytes one decoded token reads: every stored weight once (the tied table as the LM head; at
     * its stored width, BF16 or F32), the trainable adapters, and the F32 keys and values of the
     * cache at the decode's mean length.
     */
    private static double decodeBytesPerToken(LlamaModel model, LlamaShape s) {
        double bytes = 0;
        for (Tensor t : model.baseWeights().values()) bytes += (double) t.size() * t.dtype().bytes();
        if (s.lora()) bytes += model.trainableValueCount() * (double) DType.F32.bytes();
        double meanLength = PROMPT + DECODE / 2.0;
        return bytes + 2.0 * s.layers() * s.kvHeads() * s.headDim() * meanLength * DType.F32.bytes();
    }

    /** The process's resident-set high-water mark (VmHWM), 0 where /proc is absent. */
    private static long peakRssBytes() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return 0;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status, e);
        }
    }

    static BatchResult trainStep(LlamaModel model, AdamW optimizer, PackedBatch batch, float gradScale, int step) {
        model.zeroGradients();
        BatchResult result = model.forwardBackward(batch, gradScale, step);
        optimizer.step(step, 1e-4);
        return result;
    }

    /** Rows of random tokens, each row one example; the last position of a row has no target. */
    static PackedBatch randomBatch(LlamaShape s, Random random) {
        int n = s.tokens();
        int[] tokens = new int[n];
        int[] targets = new int[n];
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = random.nextInt(s.vocab());
            positions[i] = i % s.seqLen();
        }
        for (int i = 0; i < n; i++) targets[i] = positions[i] == s.seqLen() - 1 ? -1 : tokens[i + 1];
        return new PackedBatch(s.batch(), s.seqLen(), tokens, targets, positions, new int[n]);
    }

    /** Greedy decoding with a KV cache: prefill {@code prompt}, then {@code count - 1} single-token steps. */
    static int[] generate(LlamaModel model, int[] prompt, int count) {
        int vocab = model.config().vocabSize();
        try (KvCache cache = model.newKvCache(prompt.length + count)) {
            float[] logits = model.forwardWithCache(prompt, cache);
            int[] out = new int[count];
            out[0] = argmax(logits, (prompt.length - 1) * vocab, vocab);
            for (int i = 1; i < count; i++) {
                logits = model.forwardWithCache(new int[] {out[i - 1]}, cache);
                out[i] = argmax(logits, 0, vocab);
            }
            return out;
        }
    }

    private static int argmax(float[] x, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[offset + i] > x[offset + best]) best = i;
        return best;
    }
}
