package com.mka1.bench.llama;

import com.mka1.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a randomly initialised model of a {@link LlamaShape} in Hugging Face layout (config.json
 * + BF16 model.safetensors, tied embeddings), so benchmarks load it through the engine's own
 * {@code LlamaModel} exactly like a downloaded checkpoint.
 */
final class RandomModelDir {
    private RandomModelDir() {}

    /** The model directory for {@code shape} under {@code root}, written on first use. */
    static Path ensure(Path root, LlamaShape s) {
        Path dir = root.resolve(String.format(Locale.ROOT, "%s-%dx%d-v%d", s.name().replace("-lora", "").replace("-full", ""),
                s.layers(), s.dim(), s.vocab()));
        if (Files.isRegularFile(dir.resolve("model.safetensors"))) return dir;
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), String.format(Locale.ROOT, """
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
                     "hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": %d,
                     "num_attention_heads": %d, "num_key_value_heads": %d, "vocab_size": %d,
                     "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true,
                     "max_position_embeddings": 2048, "bos_token_id": 1, "eos_token_id": 2}
                    """, s.dim(), s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.vocab()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir, e);
        }
        SplittableRandom random = new SplittableRandom(1234);
        int kvDim = s.kvHeads() * s.headDim();
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        entries.add(matrix(random, "model.embed_tokens.weight", s.vocab(), s.dim(), 0.02));
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            entries.add(ones(p + "input_layernorm.weight", s.dim()));
            entries.add(ones(p + "post_attention_layernorm.weight", s.dim()));
            entries.add(matrix(random, p + "self_attn.q_proj.weight", s.dim(), s.dim(), 1 / Math.sqrt(s.dim())));
            entries.add(matrix(random, p + "self_attn.k_proj.weight", kvDim, s.dim(), 1 / Math.sqrt(s.dim())));
            entries.add(matrix(random, p + "self_attn.v_proj.weight", kvDim, s.dim(), 1 / Math.sqrt(s.dim())));
            entries.add(matrix(random, p + "self_attn.o_proj.weight", s.dim(), s.dim(), 1 / Math.sqrt(s.dim())));
            entries.add(matrix(random, p + "mlp.gate_proj.weight", s.hidden(), s.dim(), 1 / Math.sqrt(s.dim())));
            entries.add(matrix(random, p + "mlp.up_proj.weight", s.hidden(), s.dim(), 1 / Math.sqrt(s.dim())));
            entries.add(matrix(random, p + "mlp.down_proj.weight", s.dim(), s.hidden(), 1 / Math.sqrt(s.hidden())));
        }
        entries.add(ones("model.norm.weight", s.dim()));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
        return dir;
    }

    /** Uniform values with standard deviation {@code std}, as bfloat16 bits (truncated). */
    private static SafetensorsWriter.Entry matrix(SplittableRandom random, String name, int rows, int cols, double std) {
        short[] bits = new short[rows * cols];
        double half = std * Math.sqrt(3);
        for (int i = 0; i < bits.length; i++) {
            float value = (float) random.nextDouble(-half, half);
            bits[i] = (short) (Float.floatToRawIntBits(value) >>> 16);
        }
        return new SafetensorsWriter.Entry.Bf16(name, new int[] {rows, cols}, bits);
    }

    private static SafetensorsWriter.Entry ones(String name, int n) {
        short[] bits = new short[n];
        java.util.Arrays.fill(bits, (short) 0x3F80);
        return new SafetensorsWriter.Entry.Bf16(name, new int[] {n}, bits);
    }
}
