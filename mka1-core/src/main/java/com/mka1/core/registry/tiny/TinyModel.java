package com.mka1.core.registry.tiny;

import com.mka1.core.json.Json;
import com.mka1.core.model.RandomInit;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * {@code mka1:tiny-random}: a small Llama-architecture model with a byte-level tokenizer and a
 * ChatML template, written deterministically from a fixed seed. Its weights are random (it has
 * never been pre-trained) and its config.json says so ({@link RandomInit#CONFIG_FIELD}), so the
 * trainer warns when LoRA is asked to adapt it. Tests use it where a model with real special
 * tokens, a byte-per-token vocabulary or random weights is wanted; the embedded default
 * {@code mka1:tiny} is the pretrained {@link Stories260k}.
 *
 * <p>Files are written in the Hugging Face layout that every other model uses ({@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json}, {@code tokenizer_config.json}), so other tools
 * can load it too.
 */
public final class TinyModel {
    /** The model id. */
    public static final String ID = "mka1:tiny-random";
    /** Its directory below the models directory. */
    public static final String RELATIVE_DIR = "mka1/tiny-random";
    /** The seed every weight is drawn from; changing it changes the model. */
    public static final long SEED = 20_260_101L;

    public static final int HIDDEN = 128;
    public static final int INTERMEDIATE = 352;
    public static final int LAYERS = 4;
    public static final int HEADS = 4;
    public static final int KV_HEADS = 2;
    public static final int CONTEXT = 512;
    /** 256 byte tokens, then the special tokens below. */
    public static final int VOCAB = 259;
    public static final int END_OF_TEXT = 256;
    public static final int IM_START = 257;
    public static final int IM_END = 258;
    private static final float INIT_STD = 0.02f;

    static final String CHATML_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private TinyModel() {}

    /** Returns {@code <modelsDir>/mka1/tiny-random}, writing the model there first when it is missing. */
    public static Path ensure(Path modelsDir) {
        return ModelDirectory.ensure(modelsDir, RELATIVE_DIR, ID, TinyModel::write);
    }

    /** Writes the four model files into {@code dir}. */
    static void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), config());
        Files.writeString(dir.resolve("tokenizer.json"), ByteLevelTokenizerJson.tokenizerJson());
        Files.writeString(dir.resolve("tokenizer_config.json"), ByteLevelTokenizerJson.tokenizerConfigJson(CHATML_TEMPLATE));
        writeWeights(dir.resolve("model.safetensors"));
    }

    static String config() {
        return Json.writeDocument(true, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("architectures");
            g.writeString("LlamaForCausalLM");
            g.writeEndArray();
            g.writeStringField("model_type", "llama");
            g.writeNumberField("hidden_size", HIDDEN);
            g.writeNumberField("intermediate_size", INTERMEDIATE);
            g.writeNumberField("num_hidden_layers", LAYERS);
            g.writeNumberField("num_attention_heads", HEADS);
            g.writeNumberField("num_key_value_heads", KV_HEADS);
            g.writeNumberField("vocab_size", VOCAB);
            g.writeNumberField("max_position_embeddings", CONTEXT);
            g.writeNumberField("rms_norm_eps", 1e-5);
            g.writeNumberField("rope_theta", 10000.0);
            g.writeBooleanField("tie_word_embeddings", true);
            g.writeStringField("hidden_act", "silu");
            g.writeNullField("bos_token_id");
            g.writeNumberField("eos_token_id", IM_END);
            g.writeStringField("torch_dtype", "float32");
            g.writeBooleanField(RandomInit.CONFIG_FIELD, true);
            g.writeEndObject();
        });
    }

    /** One named F32 tensor of the checkpoint. */
    record NamedTensor(String name, int[] shape, float[] data) {}

    /** Every weight, in Hugging Face naming and a fixed order (the draw order from the seed). */
    static List<NamedTensor> weights() {
        Random random = new Random(SEED);
        int headDim = HIDDEN / HEADS;
        List<NamedTensor> out = new ArrayList<>();
        out.add(normal(random, "model.embed_tokens.weight", VOCAB, HIDDEN));
        for (int l = 0; l < LAYERS; l++) {
            String p = "model.layers." + l + ".";
            out.add(ones(p + "input_layernorm.weight", HIDDEN));
            out.add(normal(random, p + "self_attn.q_proj.weight", HEADS * headDim, HIDDEN));
            out.add(normal(random, p + "self_attn.k_proj.weight", KV_HEADS * headDim, HIDDEN));
            out.add(normal(random, p + "self_attn.v_proj.weight", KV_HEADS * headDim, HIDDEN));
            out.add(normal(random, p + "self_attn.o_proj.weight", HIDDEN, HEADS * headDim));
            out.add(ones(p + "post_attention_layernorm.weight", HIDDEN));
            out.add(normal(random, p + "mlp.gate_proj.weight", INTERMEDIATE, HIDDEN));
            out.add(normal(random, p + "mlp.up_proj.weight", INTERMEDIATE, HIDDEN));
            out.add(normal(random, p + "mlp.down_proj.weight", HIDDEN, INTERMEDIATE));
        }
        out.add(ones("model.norm.weight", HIDDEN));
        return out;
    }

    private static NamedTensor normal(Random random, String name, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian() * INIT_STD;
        }
        return new NamedTensor(name, new int[] {rows, cols}, data);
    }

    private static NamedTensor ones(String name, int n) {
        float[] data = new float[n];
        java.util.Arrays.fill(data, 1f);
        return new NamedTensor(name, new int[] {n}, data);
    }

    /** Safetensors: u64 header length, JSON header (names sorted, offsets in order), raw little-endian F32 data. */
    static void writeWeights(Path file) throws IOException {
        List<NamedTensor> tensors = new ArrayList<>(weights());
        tensors.sort(Comparator.comparing(NamedTensor::name));
        long[] offset = {0};
        String header = Json.writeDocument(false, g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("__metadata__");
            g.writeStringField("format", "pt");
            g.writeEndObject();
            for (NamedTensor t : tensors) {
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", "F32");
                g.writeArrayFieldStart("shape");
                for (int d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset[0]);
                offset[0] += 4L * t.data().length;
                g.writeNumber(offset[0]);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        });
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(prefix.array());
            out.write(headerBytes);
            out.write(" ".repeat(padded - headerBytes.length).getBytes(StandardCharsets.US_ASCII));
            for (NamedTensor t : tensors) {
                ByteBuffer data = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(t.data());
                out.write(data.array());
            }
        }
    }
}
