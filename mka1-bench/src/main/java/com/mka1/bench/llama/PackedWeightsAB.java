package com.mka1.bench.llama;

import com.mka1.backend.cpu.CpuBackend;
import com.mka1.backend.cpu.CpuProfiling;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Projection;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.train.optim.AdamW;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A/B of keeping frozen BF16 weights packed across steps, in one JVM: the same LoRA configuration
 * on two cpu devices, packing every use ({@code cpu.packedWeightBytes=0}) and kept packed (the
 * default budget), training steps alternating between them so load on the machine hits both
 * alike. Usage: {@code PackedWeightsAB CONFIG THREADS ROUNDS}; prints each round's tokens/s of
 * both and their ratio, then the median ratio and its range.
 */
public final class PackedWeightsAB {
    private PackedWeightsAB() {}

    public static void main(String[] args) {
        LlamaShape shape = LlamaShape.named(args[0]);
        if (!shape.lora()) throw new IllegalArgumentException("frozen weights need a LoRA configuration");
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path modelDir = RandomModelDir.ensure(Path.of(System.getProperty("java.io.tmpdir"), "mka1-bench-models"), shape);
        var lora = new TrainableWeights.Lora(new LoraSpec(shape.loraRank(), 2.0 * shape.loraRank(), 0.0,
                EnumSet.allOf(Projection.class), 42));
        try (ComputeDevice every = new CpuBackend().open(new BackendOptions(threads, 0,
                     Map.of(CpuBackend.PACKED_WEIGHT_BYTES_OPTION, "0")));
             ComputeDevice kept = new CpuBackend().open(new BackendOptions(threads, 0, Map.of()));
             LlamaModel a = LlamaModel.load(modelDir, every, lora, false);
             LlamaModel b = LlamaModel.load(modelDir, kept, lora, false);
             AdamW optA = new AdamW(a.trainableParameters(), AdamW.Config.defaults());
             AdamW optB = new AdamW(b.trainableParameters(), AdamW.Config.defaults())) {
            PackedBatch batch = LlamaBench.randomBatch(shape, new Random(7));
            float gradScale = 1f / batch.targetCount();
            seconds(a, optA, batch, gradScale, 1); // warm-up; fills b's packed weights
            seconds(b, optB, batch, gradScale, 1);
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double sa = seconds(a, optA, batch, gradScale, r + 2), sb = seconds(b, optB, batch, gradScale, r + 2);
                ratios[r] = sa / sb;
                System.out.println(String.format(Locale.ROOT, "round %d: packed every use %.1f tokens/s, kept packed %.1f tokens/s, %.3fx",
                        r + 1, shape.tokens() / sa, shape.tokens() / sb, ratios[r]));
            }
            Arrays.sort(ratios);
            System.out.println(String.format(Locale.ROOT,
                    "%s: kept packed / packed every use, median %.3fx (range %.3f-%.3f over %d rounds); %d MB held packed",
                    shape.name(), ratios[rounds / 2], ratios[0], ratios[rounds - 1], rounds,
                    CpuProfiling.packedWeightBytes(kept) / 1_000_000));
        }
    }

    private static double seconds(LlamaModel model, AdamW optimizer, PackedBatch batch, float gradScale, int step) {
        long start = System.nanoTime();
        LlamaBench.trainStep(model, optimizer, batch, gradScale, step);
        return (System.nanoTime() - start) / 1e9;
    }
}
