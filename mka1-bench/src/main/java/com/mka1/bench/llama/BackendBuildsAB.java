package com.mka1.bench.llama;

import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Projection;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.train.optim.AdamW;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;

/**
 * A/B of two builds of the cpu backend in one JVM: each build's classes (a directory or jar, e.g.
 * an earlier commit's {@code mka1-backend-cpu} compiled aside) are loaded child-first in their own
 * class loader, over the same core and model, and training steps, prefills of {@value #PROMPT}
 * tokens and {@value #DECODE} greedy tokens after a 4-token prompt alternate between the two so load on the
 * machine hits both alike. Usage:
 * {@code BackendBuildsAB CONFIG THREADS ROUNDS OLD_CLASSES NEW_CLASSES}; prints each round and
 * the median ratio (new over old) of training, prefill and decode tokens/s with their ranges.
 */
public final class BackendBuildsAB {
    private static final String PACKAGE = "com.mka1.backend.cpu.";
    private static final int PROMPT = 128;
    private static final int DECODE = 16;

    private BackendBuildsAB() {}

    public static void main(String[] args) throws IOException {
        LlamaShape shape = LlamaShape.named(args[0]);
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path modelDir = RandomModelDir.ensure(Path.of(System.getProperty("java.io.tmpdir"), "mka1-bench-models"), shape);
        TrainableWeights trainable = shape.lora()
                ? new TrainableWeights.Lora(new LoraSpec(shape.loraRank(), 2.0 * shape.loraRank(), 0.0,
                        EnumSet.allOf(Projection.class), 42))
                : new TrainableWeights.Full();
        try (ChildFirst oldLoader = new ChildFirst(Path.of(args[3])); ChildFirst newLoader = new ChildFirst(Path.of(args[4]));
             ComputeDevice old = cpuBackend(oldLoader).open(new BackendOptions(threads, 0, Map.of()));
             ComputeDevice current = cpuBackend(newLoader).open(new BackendOptions(threads, 0, Map.of()));
             LlamaModel a = LlamaModel.load(modelDir, old, trainable, false);
             LlamaModel b = LlamaModel.load(modelDir, current, trainable, false);
             AdamW optA = new AdamW(a.trainableParameters(), AdamW.Config.defaults());
             AdamW optB = new AdamW(b.trainableParameters(), AdamW.Config.defaults())) {
            PackedBatch batch = LlamaBench.randomBatch(shape, new Random(7));
            float gradScale = 1f / batch.targetCount();
            int[] prompt = Arrays.copyOf(batch.tokens(), PROMPT);
            trainSeconds(a, optA, batch, gradScale, 1); // warm-up: JIT, first touch, packed weights
            trainSeconds(b, optB, batch, gradScale, 1);
            inference(a, prompt);
            inference(b, prompt);
            double[] train = new double[rounds], prefill = new double[rounds], decode = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double ta = trainSeconds(a, optA, batch, gradScale, r + 2), tb = trainSeconds(b, optB, batch, gradScale, r + 2);
                double[] ia = inference(a, prompt), ib = inference(b, prompt);
                train[r] = ta / tb;
                prefill[r] = ia[0] / ib[0];
                decode[r] = ia[1] / ib[1];
                System.out.println(String.format(Locale.ROOT, "round %d: train old %.1f new %.1f tokens/s (%.3fx); "
                        + "prefill old %.1f new %.1f (%.3fx); decode old %.2f new %.2f (%.3fx)", r + 1,
                        shape.tokens() / ta, shape.tokens() / tb, train[r], PROMPT / ia[0], PROMPT / ib[0], prefill[r],
                        DECODE / ia[1], DECODE / ib[1], decode[r]));
            }
            System.out.println(String.format(Locale.ROOT, "%s: new / old over %d rounds, train median %s, prefill median %s, "
                    + "decode median %s", shape.name(), rounds, summary(train), summary(prefill), summary(decode)));
        }
    }

    private static String summary(double[] ratios) {
        double[] s = ratios.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.3fx (range %.3f-%.3f)", s[s.length / 2], s[0], s[s.length - 1]);
    }

    private static ComputeBackend cpuBackend(ClassLoader loader) {
        return ServiceLoader.load(ComputeBackend.class, loader).stream()
                .filter(p -> p.type().getClassLoader() == loader).map(ServiceLoader.Provider::get).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cpu backend in " + loader));
    }

    private static double trainSeconds(LlamaModel model, AdamW optimizer, PackedBatch batch, float gradScale, int step) {
        long start = System.nanoTime();
        LlamaBench.trainStep(model, optimizer, batch, gradScale, step);
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Seconds of the prompt's prefill (with its first token), and of {@value #DECODE} greedy tokens
     * after the prompt's first 4 tokens (their prefill included: it is a small part, and timing it
     * apart to subtract it made the decode figure noisier than the difference).
     */
    private static double[] inference(LlamaModel model, int[] prompt) {
        long start = System.nanoTime();
        LlamaBench.generate(model, prompt, 1);
        double prefill = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        LlamaBench.generate(model, Arrays.copyOf(prompt, 4), DECODE);
        return new double[] {prefill, (System.nanoTime() - start) / 1e9};
    }

    /** Loads the cpu backend's package from its own classes first; everything else from the application. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(Path classes) {
            super(new URL[] {url(classes)}, BackendBuildsAB.class.getClassLoader());
        }

        private static URL url(Path classes) {
            try {
                return classes.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(PACKAGE)) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
