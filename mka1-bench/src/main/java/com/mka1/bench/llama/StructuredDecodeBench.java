package com.mka1.bench.llama;

import com.mka1.core.inference.GenerationRequest;
import com.mka1.core.inference.GenerationResult;
import com.mka1.core.inference.Generator;
import com.mka1.core.inference.LlamaLanguageModel;
import com.mka1.core.inference.SamplingSettings;
import com.mka1.core.inference.StopSequences;
import com.mka1.core.inference.constrained.JsonSchemaCompiler;
import com.mka1.core.inference.constrained.TokenConstraint;
import com.mka1.core.inference.constrained.TokenVocabulary;
import com.mka1.core.json.Json;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.registry.tiny.TinyModel;
import com.mka1.core.tokenizer.Tokenizer;
import com.mka1.core.tokenizer.Tokenizers;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Decode speed with and without a JSON schema on the same prompt and model (sampling at
 * temperature 1). Usage: {@code StructuredDecodeBench MODEL THREADS [TOKENS] [BACKEND]}, MODEL
 * {@code tiny} (mka1:tiny, 259 byte tokens) or {@code llama2-vocab} (the tinystories-15m shape with
 * Llama 2's 32,000-token SentencePiece tokenizer from {@code ../shared/tokenizers/llama2}). Prints
 * one JSON line: constrained tokens/s with cold masks (a fresh constraint: every mask computed as
 * it is first met) and warm (the constraint reused, as the server reuses it per schema), free
 * tokens/s over exactly the warm run's sequence lengths (so attention and detokenising cost the
 * same), the warm/free ratio, and the time to compile the schema and build the vocabulary trie.
 * Rates are per second of the generating thread's CPU time, so run it with THREADS 1.
 */
public final class StructuredDecodeBench {
    static final String SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string","maxLength":12},"age":{"type":"integer"},
              "status":{"enum":["active","banned",null]},
              "tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":3},
              "address":{"type":"object","properties":{"city":{"type":"string","maxLength":10},"zip":{"type":["string","null"]}},
                         "required":["city","zip"],"additionalProperties":false},
              "score":{"anyOf":[{"type":"number"},{"type":"null"}]},"verified":{"type":"boolean"}},
             "required":["name","age","status","tags","address","score","verified"],"additionalProperties":false}""";
    private static final String PROMPT = "Describe a person as JSON:";

    private StructuredDecodeBench() {}

    public static void main(String[] args) throws IOException {
        String which = args[0];
        int threads = Integer.parseInt(args[1]);
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        String backendName = args.length > 3 ? args[3] : "cpu";
        Path modelDir = modelDir(which);
        ComputeBackend backend = ServiceLoader.load(ComputeBackend.class).stream().map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals(backendName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend " + backendName));
        Tokenizer tokenizer = Tokenizers.load(modelDir);
        try (ComputeDevice device = backend.open(new BackendOptions(threads, 0, Map.of()));
             LlamaModel model = LlamaModel.load(modelDir, device, new TrainableWeights.Full(), false)) {
            Generator generator = new Generator(new LlamaLanguageModel(model), tokenizer);
            int[] prompt = tokenizer.encode(PROMPT, true);
            int[] stops = tokenizer.eosId() >= 0 ? new int[] {tokenizer.eosId()} : new int[0];

            long t0 = cpuNanos();
            TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer);
            long t1 = cpuNanos();
            var grammar = JsonSchemaCompiler.compile(Json.parse(SCHEMA));
            long t2 = cpuNanos();

            List<Integer> lengths = new ArrayList<>();
            double cold = constrained(generator, prompt, stops, new TokenConstraint(grammar, vocabulary), tokens, lengths);
            TokenConstraint shared = new TokenConstraint(grammar, vocabulary);
            constrained(generator, prompt, stops, shared, tokens / 4, new ArrayList<>()); // masks met once
            lengths.clear();
            double warm = constrained(generator, prompt, stops, shared, tokens, lengths);
            // the same sequence lengths without a schema, so attention and decoding cost the same
            double free = free(generator, prompt, lengths);
            System.out.printf(Locale.ROOT, "{\"model\":\"%s\",\"vocab\":%d,\"backend\":\"%s\",\"threads\":%d,\"tokens\":%d,"
                            + "\"free_tokens_per_s\":%.1f,\"schema_cold_tokens_per_s\":%.1f,\"schema_warm_tokens_per_s\":%.1f,"
                            + "\"warm_over_free\":%.3f,\"vocab_trie_ms\":%.1f,\"schema_compile_ms\":%.1f}%n",
                    which, tokenizer.vocabSize(), backendName, threads, tokens, free, cold, warm, warm / free,
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
    }

    /** Generates documents until {@code tokens} tokens, noting each one's length; returns tokens per second. */
    private static double constrained(Generator generator, int[] prompt, int[] stops, TokenConstraint constraint, int tokens,
                                      List<Integer> lengths) {
        int done = 0;
        long seed = 0;
        long start = cpuNanos();
        while (done < tokens) {
            GenerationResult r = generator.generate(new GenerationRequest(prompt, 400, SamplingSettings.of(1.0, 1.0, seed++),
                    stops, new StopSequences(List.of()), constraint));
            done += r.outputIds().length;
            lengths.add(r.outputIds().length);
        }
        return done / ((cpuNanos() - start) / 1e9);
    }

    /** Free text, one generation per length (no stop token, so each runs to its length); returns tokens per second. */
    private static double free(Generator generator, int[] prompt, List<Integer> lengths) {
        for (int i = 0; i < Math.min(5, lengths.size()); i++) { // warm-up
            generator.generate(new GenerationRequest(prompt, lengths.get(i), SamplingSettings.of(1.0, 1.0, 100 + i),
                    new int[0], new StopSequences(List.of())));
        }
        int done = 0;
        long start = cpuNanos();
        for (int i = 0; i < lengths.size(); i++) {
            done += generator.generate(new GenerationRequest(prompt, lengths.get(i), SamplingSettings.of(1.0, 1.0, i),
                    new int[0], new StopSequences(List.of()))).outputIds().length;
        }
        return done / ((cpuNanos() - start) / 1e9);
    }

    /** This thread's CPU time: on a shared machine, wall time would measure the neighbours (run with THREADS 1). */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static Path modelDir(String which) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "mka1-bench-models");
        return switch (which) {
            case "tiny" -> TinyModel.ensure(tmp);
            case "llama2-vocab" -> {
                Path dir = RandomModelDir.ensure(tmp, LlamaShape.named("tinystories-full"));
                Path shared = Path.of(System.getProperty("mka1.shared.dir", "../shared"), "tokenizers", "llama2");
                for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                    if (Files.exists(shared.resolve(file))) {
                        Files.copy(shared.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                yield dir;
            }
            default -> throw new IllegalArgumentException("unknown model " + which + " (tiny or llama2-vocab)");
        };
    }
}
