package com.mka1.core.model;

import com.mka1.core.compute.Backends;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Peak memory of one training step (forward + backward over one 512-token row) of a random
 * model shaped like SmolLM-135M, with BF16 weights as published. Not a test: run by hand, e.g.
 * {@code java -Xmx2g -cp ... com.mka1.core.model.MemoryReport cpu lora} (see docs/model.md).
 *
 * <p>Arguments: backend name, {@code lora} or {@code full}, optionally {@code recompute}.
 */
public final class MemoryReport {
    private static final String SMOLLM_135M = """
            {"architectures":["LlamaForCausalLM"],"hidden_size":576,"intermediate_size":1536,"num_hidden_layers":30,
             "num_attention_heads":9,"num_key_value_heads":3,"vocab_size":49152,"max_position_embeddings":2048,
             "rms_norm_eps":1e-05,"rope_theta":10000.0,"tie_word_embeddings":true,"hidden_act":"silu",
             "bos_token_id":1,"eos_token_id":2}""";

    public static void main(String[] args) throws IOException {
        String backend = args.length > 0 ? args[0] : "cpu";
        boolean full = args.length > 1 && args[1].equals("full");
        boolean recompute = args.length > 2 && args[2].equals("recompute");
        Path dir = Files.createTempDirectory("smollm-135m-random");
        writeRandomModel(dir);
        System.gc();
        HeapSampler sampler = HeapSampler.start();
        TrainableWeights mode = full ? new TrainableWeights.Full()
                : new TrainableWeights.Lora(new LoraSpec(8, 16, 0.05, EnumSet.allOf(Projection.class), 1));
        try (ComputeDevice device = Backends.installed().open(backend, BackendOptions.defaults());
             LlamaModel model = LlamaModel.load(dir, device, mode, recompute)) {
            int n = 512;
            int[] tokens = new int[n], targets = new int[n], positions = new int[n];
            SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < n; i++) {
                tokens[i] = random.nextInt(49152);
                positions[i] = i;
            }
            for (int i = 0; i < n; i++) targets[i] = i + 1 < n ? tokens[i + 1] : -1;
            PackedBatch batch = new PackedBatch(1, n, tokens, targets, positions, new int[n]);
            long start = System.nanoTime();
            model.zeroGradients();
            var result = model.forwardBackward(batch, 1f / batch.targetCount(), 7);
            device.synchronize();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("backend %s, %s%s, 512 tokens: loss %.4f, step %.1f s%n", device.backendName(),
                    full ? "full fine-tuning" : "LoRA r=8 on all 7 projections", recompute ? ", recompute" : "",
                    result.meanLoss(), seconds);
            System.out.printf("trainable values %,d; model tensors %,d MiB (activations alone %,d MiB); device peak %,d MiB%n",
                    model.trainableValueCount(), model.memoryBytes() >> 20, model.activationBytes(n) >> 20,
                    device.memoryInfo().peak() >> 20);
            System.out.printf("JVM heap: peak used %,d MiB (sampled every 2 ms from load to end of step), max %,d MiB%n",
                    sampler.stop() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static void writeRandomModel(Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), SMOLLM_135M);
        LlamaConfig c = LlamaConfig.load(dir);
        SplittableRandom random = new SplittableRandom(1);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        int h = c.hiddenSize(), i = c.intermediateSize();
        entries.add(bf16("model.embed_tokens.weight", random, 0.02, c.vocabSize(), h));
        for (int l = 0; l < c.numLayers(); l++) {
            entries.add(bf16("model.layers." + l + ".input_layernorm.weight", null, 1, h));
            entries.add(bf16("model.layers." + l + ".post_attention_layernorm.weight", null, 1, h));
            entries.add(bf16(Projection.Q.hfPrefix(l) + ".weight", random, 0.02, c.qDim(), h));
            entries.add(bf16(Projection.K.hfPrefix(l) + ".weight", random, 0.02, c.kvDim(), h));
            entries.add(bf16(Projection.V.hfPrefix(l) + ".weight", random, 0.02, c.kvDim(), h));
            entries.add(bf16(Projection.O.hfPrefix(l) + ".weight", random, 0.02, h, c.qDim()));
            entries.add(bf16(Projection.GATE.hfPrefix(l) + ".weight", random, 0.02, i, h));
            entries.add(bf16(Projection.UP.hfPrefix(l) + ".weight", random, 0.02, i, h));
            entries.add(bf16(Projection.DOWN.hfPrefix(l) + ".weight", random, 0.02, h, i));
        }
        entries.add(bf16("model.norm.weight", null, 1, h));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of());
    }

    /** Normal(0, std) values, or all equal to {@code std} when {@code random} is null (norm weights). */
    private static SafetensorsWriter.Entry bf16(String name, SplittableRandom random, double std, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        short[] bits = new short[n];
        for (int j = 0; j < n; j++) {
            double v = random == null ? std : std * (random.nextDouble() * 2 - 1) * Math.sqrt(3);
            bits[j] = com.mka1.spi.Bf16.fromFloat((float) v);
        }
        return new SafetensorsWriter.Entry.Bf16(name, shape, bits);
    }

    /** Samples used heap (total - free) on a daemon thread and keeps the maximum. */
    private static final class HeapSampler implements Runnable {
        private volatile boolean running = true;
        private volatile long peak;
        private Thread thread;

        static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            s.thread = Thread.ofPlatform().daemon().start(s);
            return s;
        }

        @Override
        public void run() {
            Runtime rt = Runtime.getRuntime();
            while (running) {
                peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime rt = Runtime.getRuntime();
            return Math.max(peak, rt.totalMemory() - rt.freeMemory());
        }
    }
}
