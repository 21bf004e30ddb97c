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
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A/B of cpu backend options in one JVM: the same configuration on two cpu devices, "old" opened
 * with the given extra options ({@code KEY=VALUE}, e.g. {@code cpu.splitDepth=false} or
 * {@code cpu.packedWeightBytes=0}) and "new" with those after {@code --} (none: the defaults),
 * training steps alternating between them so load on the machine hits both alike. Usage:
 * {@code OptionAB CONFIG THREADS ROUNDS KEY=VALUE... [-- KEY=VALUE...]}; prints each round's
 * tokens/s of both and their ratio, then the median ratio (new over old) and its range.
 */
public final class OptionAB {
    private OptionAB() {}

    public static void main(String[] args) {
        LlamaShape shape = LlamaShape.named(args[0]);
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Map<String, String> oldOptions = new HashMap<>(), newOptions = new HashMap<>();
        Map<String, String> into = oldOptions;
        for (String option : Arrays.copyOfRange(args, 3, args.length)) {
            if (option.equals("--")) {
                into = newOptions;
                continue;
            }
            int eq = option.indexOf('=');
            if (eq < 1) throw new IllegalArgumentException("options are KEY=VALUE, got '" + option + "'");
            into.put(option.substring(0, eq), option.substring(eq + 1));
        }
        Path modelDir = RandomModelDir.ensure(Path.of(System.getProperty("java.io.tmpdir"), "mka1-bench-models"), shape);
        TrainableWeights trainable = shape.lora()
                ? new TrainableWeights.Lora(new LoraSpec(shape.loraRank(), 2.0 * shape.loraRank(), 0.0,
                        EnumSet.allOf(Projection.class), 42))
                : new TrainableWeights.Full();
        try (ComputeDevice old = new CpuBackend().open(new BackendOptions(threads, 0, oldOptions));
             ComputeDevice current = new CpuBackend().open(new BackendOptions(threads, 0, newOptions));
             LlamaModel a = LlamaModel.load(modelDir, old, trainable, false);
             LlamaModel b = LlamaModel.load(modelDir, current, trainable, false);
             AdamW optA = new AdamW(a.trainableParameters(), AdamW.Config.defaults());
             AdamW optB = new AdamW(b.trainableParameters(), AdamW.Config.defaults())) {
            PackedBatch batch = LlamaBench.randomBatch(shape, new Random(7));
            float gradScale = 1f / batch.targetCount();
            seconds(a, optA, batch, gradScale, 1); // warm-up: JIT, first touch, packed weights
            seconds(b, optB, batch, gradScale, 1);
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double sa = seconds(a, optA, batch, gradScale, r + 2), sb = seconds(b, optB, batch, gradScale, r + 2);
                ratios[r] = sa / sb;
                System.out.println(String.format(Locale.ROOT, "round %d: %s %.1f tokens/s, %s %.1f tokens/s, %.3fx",
                        r + 1, oldOptions, shape.tokens() / sa, newOptions, shape.tokens() / sb, ratios[r]));
            }
            Arrays.sort(ratios);
            System.out.println(String.format(Locale.ROOT,
                    "%s: %s / %s, median %.3fx (range %.3f-%.3f over %d rounds); %d MB held packed by the second",
                    shape.name(), newOptions, oldOptions, ratios[rounds / 2], ratios[0], ratios[rounds - 1], rounds,
                    CpuProfiling.packedWeightBytes(current) / 1_000_000));
        }
    }

    private static double seconds(LlamaModel model, AdamW optimizer, PackedBatch batch, float gradScale, int step) {
        long start = System.nanoTime();
        LlamaBench.trainStep(model, optimizer, batch, gradScale, step);
        return (System.nanoTime() - start) / 1e9;
    }
}
