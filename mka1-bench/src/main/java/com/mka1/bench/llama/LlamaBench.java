package com.mka1.bench.llama;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Tensor;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;

/**
 * Training and inference throughput of a backend on a synthetic Llama, in the call pattern of the
 * engine. Usage: {@code LlamaBench CONFIG THREADS [STEPS] [BACKEND]} with CONFIG smollm-lora,
 * smollm-full or tinystories-full. Prints one JSON line: train tokens/s (mean over STEPS after
 * one warm-up step), prompt tokens/s and greedy decode tokens/s with a KV cache.
 */
public final class LlamaBench {
    private static final int PROMPT = 128;
    private static final int DECODE = 64;

    private LlamaBench() {}

    public static void main(String[] args) {
        LlamaShape shape = LlamaShape.named(args[0]);
        int threads = Integer.parseInt(args[1]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String backendName = args.length > 3 ? args[3] : "cpu";
        ComputeBackend backend = ServiceLoader.load(ComputeBackend.class).stream().map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals(backendName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend " + backendName));
        try (ComputeDevice device = backend.open(new BackendOptions(threads, 0, Map.of()))) {
            SyntheticLlama model = new SyntheticLlama(device, shape, 1234);
            Random random = new Random(7);
            int n = shape.tokens();
            int[] tokens = new int[n];
            int[] targets = new int[n];
            int[] positions = new int[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = random.nextInt(shape.vocab());
                positions[i] = i % shape.seqLen();
            }
            for (int i = 0; i < n; i++) {
                targets[i] = positions[i] == shape.seqLen() - 1 ? -1 : tokens[i + 1];
            }
            Tensor tok = device.upload(tokens, n);
            Tensor tgt = device.upload(targets, n);
            Tensor pos = device.upload(positions, n);
            Tensor seg = device.upload(new int[n], n);
            double loss = model.trainStep(tok, tgt, pos, seg); // warm-up (JIT, first-touch)
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) loss = model.trainStep(tok, tgt, pos, seg);
            double trainSeconds = (System.nanoTime() - start) / 1e9;

            int[] prompt = java.util.Arrays.copyOf(tokens, PROMPT);
            model.generate(prompt, 2); // warm-up
            start = System.nanoTime();
            model.generate(prompt, 1);
            double prefill = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            model.generate(prompt, DECODE + 1);
            double decode = (System.nanoTime() - start) / 1e9 - prefill;

            System.out.println(String.format(Locale.ROOT,
                    "{\"config\":\"%s\",\"backend\":\"%s\",\"device\":\"%s\",\"threads\":%d,\"tokens_per_step\":%d,"
                            + "\"steps\":%d,\"trainable_parameters\":%d,\"loss\":%.4f,\"train_tokens_per_s\":%.1f,"
                            + "\"prompt_tokens_per_s\":%.1f,\"decode_tokens_per_s\":%.2f}",
                    shape.name(), backendName, device.description(), threads, n, steps, model.trainableParameters(),
                    loss, steps * n / trainSeconds, PROMPT / prefill, DECODE / decode));
        }
    }
}
