package com.mka1.core.model;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The shape of a Llama-family decoder (Llama 2/3, Mistral, Qwen2, SmolLM, TinyLlama), read
 * from a Hugging Face {@code config.json}.
 *
 * @param qkvBias  q, k and v projections carry biases (Qwen2, or Llama's attention_bias)
 * @param oBias    the output projection carries a bias (Llama's attention_bias)
 * @param eosTokenIds every end-of-sequence id (config allows an int or a list)
 * @param bosTokenId beginning-of-sequence id, or -1 when the config has none
 */
public record LlamaConfig(String architecture, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int vocabSize, double rmsNormEps, double ropeTheta,
                          RopeScaling ropeScaling, boolean tieWordEmbeddings, int maxPositions, boolean qkvBias,
                          boolean oBias, int bosTokenId, List<Integer> eosTokenIds) {

    private static final Set<String> ARCHITECTURES = Set.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM");

    public LlamaConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (numHeads % numKvHeads != 0) {
            throw new UnsupportedModelException("num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if (headDim % 2 != 0) throw new UnsupportedModelException("head_dim " + headDim + " must be even for RoPE");
    }

    /** Width of the query projection output: heads * headDim. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Width of the key and value projection outputs: kvHeads * headDim. */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** RoPE inverse frequencies {@code 1 / theta^(2i/headDim)}, scaled, computed in double then rounded to float. */
    public float[] invFreq() {
        double[] f = new double[headDim / 2];
        for (int i = 0; i < f.length; i++) f[i] = 1.0 / Math.pow(ropeTheta, (2.0 * i) / headDim);
        ropeScaling.apply(f);
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) out[i] = (float) f[i];
        return out;
    }

    /** Reads {@code dir/config.json}. */
    public static LlamaConfig load(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses config.json text; anything unsupported throws {@link UnsupportedModelException} naming the field. */
    public static LlamaConfig parse(byte[] json, String source) {
        var c = new Fields(Json.parseObject(json, source), source);
        String architecture = c.architecture();
        c.requireIfPresent("hidden_act", "silu");
        if (c.bool("mlp_bias", false)) throw c.unsupported("mlp_bias", "true (MLP biases are not supported)");
        int hidden = c.integer("hidden_size");
        int heads = c.integer("num_attention_heads");
        boolean qwen2 = architecture.equals("Qwen2ForCausalLM");
        boolean attentionBias = c.bool("attention_bias", false);
        JsonValue eos = c.raw("eos_token_id");
        List<Integer> eosIds = switch (eos) {
            case null -> List.of();
            case JsonValue.Num n when Json.integerOrNull(n) != null -> List.of(n.value().intValue());
            case JsonValue.Arr list -> list.items().stream().map(o -> Json.numberOrNull(o).intValue()).toList();
            default -> throw c.unsupported("eos_token_id", Json.text(eos) + " (an int or a list of ints is expected)");
        };
        return new LlamaConfig(architecture, hidden, c.integer("intermediate_size"), c.integer("num_hidden_layers"),
                heads, c.integer("num_key_value_heads", heads), c.integer("head_dim", hidden / heads), c.integer("vocab_size"),
                c.number("rms_norm_eps", 1e-6), c.number("rope_theta", 10000.0), c.ropeScaling(),
                c.bool("tie_word_embeddings", false), c.integer("max_position_embeddings", 2048),
                qwen2 || attentionBias, !qwen2 && attentionBias, Json.integerOrNull(c.raw("bos_token_id")) instanceof Long b ? b.intValue() : -1,
                eosIds);
    }

    /** Typed access to config fields, with errors naming the field and the file. */
    private record Fields(JsonValue.Obj json, String source) {
        JsonValue raw(String name) {
            return Json.field(json, name);
        }

        UnsupportedModelException unsupported(String field, String value) {
            return new UnsupportedModelException(source + ": unsupported " + field + " = " + value);
        }

        String architecture() {
            if (raw("architectures") instanceof JsonValue.Arr(List<JsonValue> list) && !list.isEmpty()) {
                String a = Json.text(list.getFirst());
                if (!ARCHITECTURES.contains(a)) throw unsupported("architectures", a + " (supported: " + ARCHITECTURES + ")");
                return a;
            }
            return switch (Json.text(raw("model_type"))) {
                case "llama" -> "LlamaForCausalLM";
                case "mistral" -> "MistralForCausalLM";
                case "qwen2" -> "Qwen2ForCausalLM";
                default -> throw unsupported("model_type", Json.text(raw("model_type")) + " (llama, mistral, qwen2 are supported)");
            };
        }

        void requireIfPresent(String field, String expected) {
            JsonValue v = raw(field);
            if (v != null && !(v instanceof JsonValue.Str(String s) && s.equals(expected))) {
                throw unsupported(field, Json.text(v) + " (only " + expected + ")");
            }
        }

        int integer(String field) {
            if (!(Json.integerOrNull(raw(field)) instanceof Long v)) {
                throw new UnsupportedModelException(source + ": field " + field + " must be an integer, got " + Json.text(raw(field)));
            }
            if (v <= 0 || v > Integer.MAX_VALUE) throw unsupported(field, String.valueOf(v));
            return v.intValue();
        }

        int integer(String field, int fallback) {
            return raw(field) == null ? fallback : integer(field);
        }

        double number(String field, double fallback) {
            JsonValue v = raw(field);
            if (v == null) return fallback;
            if (Json.numberOrNull(v) instanceof Double d) return d;
            throw new UnsupportedModelException(source + ": field " + field + " must be a number, got " + Json.text(v));
        }

        boolean bool(String field, boolean fallback) {
            JsonValue v = raw(field);
            if (v == null) return fallback;
            if (v instanceof JsonValue.Bool(boolean b)) return b;
            throw new UnsupportedModelException(source + ": field " + field + " must be true or false, got " + Json.text(v));
        }

        RopeScaling ropeScaling() {
            JsonValue v = raw("rope_scaling");
            if (v == null) return new RopeScaling.None();
            if (!(v instanceof JsonValue.Obj m)) throw unsupported("rope_scaling", Json.text(v));
            var sub = new Fields(m, source);
            String type = Json.text(sub.raw("rope_type") != null ? sub.raw("rope_type") : sub.raw("type"));
            return switch (type) {
                case "default" -> new RopeScaling.None();
                case "linear" -> new RopeScaling.Linear(sub.number("factor", Double.NaN));
                case "llama3" -> new RopeScaling.Llama3(sub.number("factor", Double.NaN), sub.number("low_freq_factor", 1),
                        sub.number("high_freq_factor", 4), sub.integer("original_max_position_embeddings"));
                default -> throw unsupported("rope_scaling.rope_type", type + " (default, linear and llama3 are supported)");
            };
        }
    }
}
