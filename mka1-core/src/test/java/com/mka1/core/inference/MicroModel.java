package com.mka1.core.inference;

import com.mka1.core.registry.tiny.TinyModel;
import com.mka1.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code test:micro}: a random one-layer Llama (hidden 32) with mka1:tiny's byte-level tokenizer
 * and ChatML template, for tests that sample many answers: its step costs a fortieth of tiny's.
 * Embeddings (tied to the output) are small, so next-token distributions stay broad.
 */
final class MicroModel {
    static final String ID = "test:micro";
    private static final int DIM = 32;
    private static final int HIDDEN = 64;
    private static final int HEADS = 2;
    private static final int KV_HEADS = 1;
    /** Room for a prompt that lists tools (the built-in tools block alone is some 400 byte tokens). */
    private static final int CONTEXT = 2048;

    private MicroModel() {}

    /** Writes the model below {@code modelsDir} (next to mka1:tiny, whose tokenizer it copies). */
    static void write(Path modelsDir) throws IOException {
        Path tiny = TinyModel.ensure(modelsDir);
        Path dir = modelsDir.resolve("test/micro");
        Files.createDirectories(dir);
        for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tiny.resolve(file), dir.resolve(file));
        }
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d, "intermediate_size": %d,
                 "num_hidden_layers": 1, "num_attention_heads": %d, "num_key_value_heads": %d, "vocab_size": %d,
                 "max_position_embeddings": %d, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": true,
                 "hidden_act": "silu", "bos_token_id": null, "eos_token_id": %d, "torch_dtype": "float32"}
                """.formatted(DIM, HIDDEN, HEADS, KV_HEADS, TinyModel.VOCAB, CONTEXT, TinyModel.IM_END));
        SplittableRandom random = new SplittableRandom(16);
        int kv = DIM / HEADS * KV_HEADS;
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        entries.add(gaussian(random, "model.embed_tokens.weight", 0.2, TinyModel.VOCAB, DIM));
        String p = "model.layers.0.";
        entries.add(ones(p + "input_layernorm.weight"));
        entries.add(ones(p + "post_attention_layernorm.weight"));
        double std = 1 / Math.sqrt(DIM);
        entries.add(gaussian(random, p + "self_attn.q_proj.weight", std, DIM, DIM));
        entries.add(gaussian(random, p + "self_attn.k_proj.weight", std, kv, DIM));
        entries.add(gaussian(random, p + "self_attn.v_proj.weight", std, kv, DIM));
        entries.add(gaussian(random, p + "self_attn.o_proj.weight", std, DIM, DIM));
        entries.add(gaussian(random, p + "mlp.gate_proj.weight", std, HIDDEN, DIM));
        entries.add(gaussian(random, p + "mlp.up_proj.weight", std, HIDDEN, DIM));
        entries.add(gaussian(random, p + "mlp.down_proj.weight", 1 / Math.sqrt(HIDDEN), DIM, HIDDEN));
        entries.add(ones("model.norm.weight"));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
    }

    private static SafetensorsWriter.Entry gaussian(SplittableRandom random, String name, double std, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * std);
        }
        return new SafetensorsWriter.Entry.F32(name, new int[] {rows, cols}, data);
    }

    private static SafetensorsWriter.Entry ones(String name) {
        float[] data = new float[DIM];
        java.util.Arrays.fill(data, 1f);
        return new SafetensorsWriter.Entry.F32(name, new int[] {DIM}, data);
    }
}
