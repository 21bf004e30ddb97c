package com.mka1.backend.cuda;

import com.mka1.spi.Bf16;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import com.mka1.core.safetensors.SafetensorsWriter.Entry;
import com.mka1.core.safetensors.SafetensorsWriter;

/**
 * Writes a randomly initialised Llama model of a {@link LlamaShape} in the Hugging Face layout
 * ({@code config.json}, BF16 {@code model.safetensors}, tied embeddings), for benchmarks of
 * mka1-core's real model code.
 */
final class RandomLlamaDir {
    private RandomLlamaDir() {}

    static Path write(LlamaShape s, Path dir, long seed) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), String.format(Locale.ROOT, """
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d,
                     "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                     "num_key_value_heads": %d, "vocab_size": %d, "max_position_embeddings": %d,
                     "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true,
                     "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16"}
                    """, s.dim(), s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.vocab(), Math.max(s.seqLen(), 2048)));
            SplittableRandom random = new SplittableRandom(seed);
            List<Entry> entries = new ArrayList<>();
            entries.add(matrix("model.embed_tokens.weight", s.vocab(), s.dim(), random));
            for (int l = 0; l < s.layers(); l++) {
                String p = "model.layers." + l + ".";
                entries.add(ones(p + "input_layernorm.weight", s.dim()));
                entries.add(matrix(p + "self_attn.q_proj.weight", s.qDim(), s.dim(), random));
                entries.add(matrix(p + "self_attn.k_proj.weight", s.kvDim(), s.dim(), random));
                entries.add(matrix(p + "self_attn.v_proj.weight", s.kvDim(), s.dim(), random));
                entries.add(matrix(p + "self_attn.o_proj.weight", s.dim(), s.qDim(), random));
                entries.add(ones(p + "post_attention_layernorm.weight", s.dim()));
                entries.add(matrix(p + "mlp.gate_proj.weight", s.hidden(), s.dim(), random));
                entries.add(matrix(p + "mlp.up_proj.weight", s.hidden(), s.dim(), random));
                entries.add(matrix(p + "mlp.down_proj.weight", s.dim(), s.hidden(), random));
            }
            entries.add(ones("model.norm.weight", s.dim()));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the random model to " + dir, e);
        }
    }

    /** Uniform in [-0.04, 0.04); past 1M elements a random 1M-element block repeats (8B models are written in seconds). */
    private static Entry matrix(String name, int rows, int cols, SplittableRandom random) {
        short[] data = new short[Math.multiplyExact(rows, cols)];
        int block = Math.min(data.length, 1 << 20);
        for (int i = 0; i < block; i++) data[i] = Bf16.fromFloat((float) (random.nextDouble() * 0.08 - 0.04));
        for (int at = block; at < data.length; at += block) System.arraycopy(data, 0, data, at, Math.min(block, data.length - at));
        return new Entry.Bf16(name, new int[] {rows, cols}, data);
    }

    private static Entry ones(String name, int n) {
        float[] data = new float[n];
        Arrays.fill(data, 1f);
        return new Entry.F32(name, new int[] {n}, data);
    }
}
