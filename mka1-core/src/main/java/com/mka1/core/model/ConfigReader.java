package com.mka1.core.model;

import com.mka1.api.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Hugging Face {@code config.json} (either transformers dialect) into a {@link LlamaConfig}.
 * Every field that changes the math is either implemented or refused by name with an
 * {@link UnsupportedModelException}: there is no silent fallback.
 */
final class ConfigReader {
    /** The families read here, by architecture class and by model_type. */
    private enum Family {
        LLAMA("LlamaForCausalLM", "llama"), MISTRAL("MistralForCausalLM", "mistral"), QWEN2("Qwen2ForCausalLM", "qwen2"),
        QWEN3("Qwen3ForCausalLM", "qwen3"), GEMMA2("Gemma2ForCausalLM", "gemma2"), GEMMA3("Gemma3ForCausalLM", "gemma3_text"),
        PHI3("Phi3ForCausalLM", "phi3"), SMOLLM3("SmolLM3ForCausalLM", "smollm3"), OLMO2("Olmo2ForCausalLM", "olmo2"),
        GRANITE("GraniteForCausalLM", "granite");

        final String architecture;
        final String modelType;

        Family(String architecture, String modelType) {
            this.architecture = architecture;
            this.modelType = modelType;
        }

        boolean gemma() {
            return this == GEMMA2 || this == GEMMA3;
        }
    }

    /** Keys of a RoPE parameter object this reader understands; any other key is refused. */
    private static final Set<String> ROPE_KEYS = Set.of("rope_type", "type", "rope_theta", "factor",
            "original_max_position_embeddings", "low_freq_factor", "high_freq_factor", "beta_fast", "beta_slow",
            "truncate", "attention_factor", "mscale", "mscale_all_dim", "short_factor", "long_factor",
            "partial_rotary_factor");
    private static final String SLIDING = "sliding_attention", FULL = "full_attention";

    private final Map<String, Object> json;
    private final String source;

    ConfigReader(JsonValue.Obj json, String source) {
        this.json = map(plain(json));
        this.source = source;
    }

    /**
     * The config as plain Java values (Long for integer literals, Double for other numbers, null for
     * JSON null, a present key kept): the shape the checks below distinguish absent from null in.
     */
    private static Object plain(JsonValue v) {
        return switch (v) {
            case JsonValue.Null n -> null;
            case JsonValue.Bool(boolean b) -> b;
            case JsonValue.Str(String s) -> s;
            case JsonValue.Num(BigDecimal d) -> d.scale() == 0 && d.unscaledValue().bitLength() < 64 ? (Object) d.longValueExact() : (Object) d.doubleValue();
            case JsonValue.Arr(List<JsonValue> items) -> items.stream().map(ConfigReader::plain).toList();
            case JsonValue.Obj(Map<String, JsonValue> fields) -> {
                Map<String, Object> out = new LinkedHashMap<>();
                fields.forEach((k, x) -> out.put(k, plain(x)));
                yield out;
            }
        };
    }

    LlamaConfig read() {
        Family family = family();
        int hidden = integer(json, "hidden_size");
        int heads = integer(json, "num_attention_heads");
        int layers = integer(json, "num_hidden_layers");
        // absent fields take the family's transformers default (Gemma's head_dim is 256, not hidden/heads)
        int headDim = json.get("head_dim") != null ? integer(json, "head_dim") : family.gemma() ? 256 : hidden / heads;
        int maxPositions = json.get("max_position_embeddings") == null ? 2048 : integer(json, "max_position_embeddings");
        if (bool("mlp_bias", false)) throw unsupported("mlp_bias", "true (MLP biases are not supported)");
        if (bool("use_bidirectional_attention", false)) throw unsupported("use_bidirectional_attention", "true (only causal attention)");
        refuseIfSet("attention_chunk_size", "chunked attention is not supported");
        boolean attentionBias = bool("attention_bias", false);
        if (family == Family.PHI3 && attentionBias) throw unsupported("attention_bias", "true (Phi-3 projections have no bias)");
        RopeSettings rope = ropeSettings(family, headDim, maxPositions);
        List<LayerAttention> attention = layerAttention(family, layers, rope);
        return new LlamaConfig(family.architecture, hidden, integer(json, "intermediate_size"), layers, heads,
                json.get("num_key_value_heads") == null ? heads : integer(json, "num_key_value_heads"), headDim,
                integer(json, "vocab_size"), number(json, "rms_norm_eps", 1e-6),
                rope.global.theta(), rope.global.scaling(), bool("tie_word_embeddings", family.gemma()),
                maxPositions, family == Family.QWEN2 || attentionBias, family != Family.QWEN2 && attentionBias,
                json.get("bos_token_id") instanceof Long b ? b.intValue() : -1, eosIds(), attention,
                traits(family, hidden, headDim));
    }

    // ---- family ---------------------------------------------------------------------------

    private Family family() {
        if (json.get("architectures") instanceof List<?> list && !list.isEmpty()) {
            String a = String.valueOf(list.getFirst());
            for (Family f : Family.values()) if (f.architecture.equals(a)) return f;
            throw unsupported("architectures", a + " (supported: " + names(true) + ")");
        }
        Object type = json.get("model_type");
        for (Family f : Family.values()) if (f.modelType.equals(type)) return f;
        throw unsupported("model_type", type + " (supported: " + names(false) + ")");
    }

    private static List<String> names(boolean architectures) {
        return Arrays.stream(Family.values()).map(f -> architectures ? f.architecture : f.modelType).toList();
    }

    private FamilyTraits traits(Family family, int hidden, int headDim) {
        FamilyTraits.Activation activation = activation(family);
        double scale = 1 / Math.sqrt(headDim);
        return switch (family) {
            case LLAMA, MISTRAL, QWEN2, SMOLLM3 -> llamaLike(activation, scale, FamilyTraits.QkNorm.NONE, false);
            case QWEN3 -> llamaLike(activation, scale, FamilyTraits.QkNorm.PER_HEAD, false);
            case PHI3 -> llamaLike(activation, scale, FamilyTraits.QkNorm.NONE, true);
            case OLMO2 -> new FamilyTraits(false, FamilyTraits.QkNorm.WHOLE, false, true, false, true, activation,
                    1, 1, 1, 0, 0, scale, false);
            case GRANITE -> new FamilyTraits(false, FamilyTraits.QkNorm.NONE, true, false, true, false, activation,
                    (float) number(json, "embedding_multiplier", 1), (float) number(json, "residual_multiplier", 1),
                    (float) (1 / positive("logits_scaling", 1)), 0, 0, positive("attention_multiplier", 1), false);
            case GEMMA2, GEMMA3 -> new FamilyTraits(true,
                    family == Family.GEMMA3 ? FamilyTraits.QkNorm.PER_HEAD : FamilyTraits.QkNorm.NONE,
                    true, true, true, true, activation, (float) Math.sqrt(hidden), 1, 1,
                    softcap("final_logit_softcapping", family == Family.GEMMA2 ? 30 : 0),
                    softcap("attn_logit_softcapping", family == Family.GEMMA2 ? 50 : 0),
                    1 / Math.sqrt(positive("query_pre_attn_scalar", 256)), false);
        };
    }

    private static FamilyTraits llamaLike(FamilyTraits.Activation activation, double scale, FamilyTraits.QkNorm qk, boolean fused) {
        return new FamilyTraits(false, qk, true, false, true, false, activation, 1, 1, 1, 0, 0, scale, fused);
    }

    /** A Gemma soft cap: 0 when the config sets it null, {@code fallback} (transformers' default) when absent. */
    private float softcap(String field, float fallback) {
        if (!json.containsKey(field)) return fallback;
        return json.get(field) == null ? 0 : (float) positive(field, 0);
    }

    private FamilyTraits.Activation activation(Family family) {
        String field = family.gemma() && json.get("hidden_activation") != null ? "hidden_activation" : "hidden_act";
        Object v = json.get(field);
        if (v == null) return family.gemma() ? FamilyTraits.Activation.GELU_TANH : FamilyTraits.Activation.SILU;
        return switch (String.valueOf(v)) {
            case "silu", "swish" -> FamilyTraits.Activation.SILU;
            case "gelu_pytorch_tanh", "gelu_new" -> FamilyTraits.Activation.GELU_TANH;
            default -> throw unsupported(field, v + " (only silu and gelu_pytorch_tanh)");
        };
    }

    // ---- rotary embeddings and sliding windows -------------------------------------------

    /** The rotary embedding of full-attention layers and of sliding layers (they differ in Gemma 3). */
    private record RopeSettings(RotaryEmbedding global, RotaryEmbedding local) {}

    private RopeSettings ropeSettings(Family family, int headDim, int maxPositions) {
        Object params = json.get("rope_parameters");
        if (params instanceof Map<?, ?> m && (m.containsKey(FULL) || m.containsKey(SLIDING))) {
            for (Object key : m.keySet()) {
                if (!FULL.equals(key) && !SLIDING.equals(key)) throw unsupported("rope_parameters." + key, "(unknown layer type)");
            }
            RotaryEmbedding full = m.get(FULL) == null ? null : rope("rope_parameters." + FULL, map(m.get(FULL)), headDim, maxPositions, null);
            RotaryEmbedding local = m.get(SLIDING) == null ? full : rope("rope_parameters." + SLIDING, map(m.get(SLIDING)), headDim, maxPositions, null);
            if (full == null) full = local;
            return new RopeSettings(full, local);
        }
        if (params != null) {
            if (!(params instanceof Map<?, ?> m)) throw unsupported("rope_parameters", String.valueOf(params));
            // both forms at once must agree: never pick one silently
            Object topTheta = json.get("rope_theta");
            if (topTheta != null && m.get("rope_theta") != null
                    && number(json, "rope_theta", 0) != number(map(m), "rope_theta", 0)) {
                throw unsupported("rope_theta", topTheta + " (conflicts with rope_parameters.rope_theta " + m.get("rope_theta") + ")");
            }
            if (json.get("rope_scaling") != null && !json.get("rope_scaling").equals(params)) {
                throw unsupported("rope_scaling", json.get("rope_scaling") + " (conflicts with rope_parameters " + params + ")");
            }
            RotaryEmbedding r = rope("rope_parameters", map(m), headDim, maxPositions, null);
            return new RopeSettings(r, r);
        }
        // transformers-4 form: top-level rope_theta, rope_scaling (null or absent: default)
        Object scaling = json.get("rope_scaling");
        if (scaling != null && !(scaling instanceof Map<?, ?>)) throw unsupported("rope_scaling", String.valueOf(scaling));
        Map<String, Object> p = scaling == null ? Map.of() : map(scaling);
        double theta = number(json, "rope_theta", 10000.0);
        RotaryEmbedding global = rope("rope_scaling", p, headDim, maxPositions, theta);
        if (family == Family.GEMMA3 && json.get("rope_local_base_freq") != null) {
            return new RopeSettings(global, new RotaryEmbedding(number(json, "rope_local_base_freq", 10000.0),
                    new RopeScaling.None(), global.rotaryDim()));
        }
        return new RopeSettings(global, global);
    }

    /** One RoPE parameter object; {@code theta} is given in the transformers-4 form (it sits outside the object there). */
    private RotaryEmbedding rope(String where, Map<String, Object> p, int headDim, int maxPositions, Double theta) {
        for (String key : p.keySet()) if (!ROPE_KEYS.contains(key)) throw unsupported(where + "." + key, p.get(key) + " (unknown RoPE parameter)");
        double base = theta != null ? theta : number(p, "rope_theta", 10000.0);
        double partial = p.containsKey("partial_rotary_factor") ? number(p, "partial_rotary_factor", 1)
                : number(json, "partial_rotary_factor", 1);
        if (!(partial > 0 && partial <= 1)) throw unsupported("partial_rotary_factor", String.valueOf(partial));
        int rotaryDim = (int) (headDim * partial); // transformers: int(head_dim * partial_rotary_factor)
        Object type = p.get("rope_type") != null ? p.get("rope_type") : p.get("type");
        // the pretrained context of longrope/yarn: inside the object, else the config's top level (Phi-3)
        Integer originalMax = null;
        if (p.get("original_max_position_embeddings") != null) {
            originalMax = integer(p, "original_max_position_embeddings");
        } else if (json.get("original_max_position_embeddings") != null) {
            originalMax = integer(json, "original_max_position_embeddings");
        }
        RopeScaling scaling = switch (String.valueOf(type)) {
            case "null", "default" -> new RopeScaling.None();
            case "linear" -> new RopeScaling.Linear(number(p, "factor", Double.NaN));
            case "dynamic" -> new RopeScaling.Dynamic(number(p, "factor", Double.NaN), maxPositions);
            case "llama3" -> new RopeScaling.Llama3(number(p, "factor", Double.NaN), number(p, "low_freq_factor", 1),
                    number(p, "high_freq_factor", 4), integer(p, "original_max_position_embeddings"));
            case "yarn" -> yarn(p, maxPositions, originalMax);
            case "longrope", "su" -> longRope(where, p, maxPositions, originalMax);
            default -> throw unsupported(where + ".rope_type", type + " (default, linear, dynamic, llama3, yarn and longrope are supported)");
        };
        return new RotaryEmbedding(base, scaling, rotaryDim);
    }

    private RopeScaling yarn(Map<String, Object> p, int maxPositions, Integer originalMax) {
        double factor = number(p, "factor", Double.NaN);
        int original = maxPositions;
        if (p.get("original_max_position_embeddings") != null) {
            // transformers: with an explicit pretrained length, the attention factor uses max/original, not factor
            original = integer(p, "original_max_position_embeddings");
            factor = (double) maxPositions / original;
        }
        double attention = p.get("attention_factor") != null ? number(p, "attention_factor", 1)
                : RopeScaling.Yarn.defaultAttentionFactor(factor, number(p, "mscale", 0), number(p, "mscale_all_dim", 0));
        return new RopeScaling.Yarn(number(p, "factor", Double.NaN), original, number(p, "beta_fast", 32),
                number(p, "beta_slow", 1), p.get("truncate") == null || Boolean.TRUE.equals(p.get("truncate")), attention);
    }

    private RopeScaling longRope(String where, Map<String, Object> p, int maxPositions, Integer originalMax) {
        int original = originalMax != null ? originalMax : maxPositions;
        double factor = originalMax != null ? (double) maxPositions / originalMax : number(p, "factor", 1);
        double attention = p.get("attention_factor") != null ? number(p, "attention_factor", 1)
                : RopeScaling.LongRope.defaultAttentionFactor(factor, original);
        return new RopeScaling.LongRope(doubles(where + ".short_factor", p.get("short_factor")),
                doubles(where + ".long_factor", p.get("long_factor")), original, attention);
    }

    private List<LayerAttention> layerAttention(Family family, int layers, RopeSettings rope) {
        List<String> types = layerTypes(family, layers);
        int window = slidingWindow(family);
        List<Boolean> rotary = rotaryLayers(family, layers);
        List<LayerAttention> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            boolean sliding = types.get(l).equals(SLIDING) && window > 0;
            RotaryEmbedding r = rotary.get(l) ? (types.get(l).equals(SLIDING) ? rope.local : rope.global) : null;
            out.add(new LayerAttention(sliding ? window : 0, r));
        }
        return out;
    }

    /** {@code layer_types} when given (authoritative), else each family's transformers default. */
    private List<String> layerTypes(Family family, int layers) {
        if (json.get("layer_types") instanceof List<?> list) {
            if (list.size() != layers) throw unsupported("layer_types", list.size() + " entries for " + layers + " layers");
            for (Object t : list) {
                if (!SLIDING.equals(t) && !FULL.equals(t)) throw unsupported("layer_types", t + " (only sliding_attention and full_attention)");
            }
            return list.stream().map(String::valueOf).toList();
        }
        if (json.get("layer_types") != null) throw unsupported("layer_types", String.valueOf(json.get("layer_types")));
        List<String> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            boolean sliding = switch (family) {
                case MISTRAL, PHI3 -> true;
                case QWEN2, QWEN3, SMOLLM3 -> l >= (json.get("max_window_layers") == null ? 0 : integerOrZero("max_window_layers"));
                case GEMMA2 -> l % 2 == 0;
                case GEMMA3 -> {
                    Object pattern = json.get("sliding_window_pattern") != null ? json.get("sliding_window_pattern") : json.get("_sliding_window_pattern");
                    int every = pattern instanceof Long v ? v.intValue() : 6;
                    yield (l + 1) % every != 0;
                }
                default -> false;
            };
            out.add(sliding ? SLIDING : FULL);
        }
        return out;
    }

    /** The window of sliding layers, or 0 when the config turns sliding off. */
    private int slidingWindow(Family family) {
        Object w = json.get("sliding_window");
        boolean enabled = switch (family) {
            case QWEN2, QWEN3, SMOLLM3 -> bool("use_sliding_window", false);
            case MISTRAL, PHI3, GEMMA2, GEMMA3 -> true;
            default -> {
                if (w != null) throw unsupported("sliding_window", w + " (" + family.modelType + " has no sliding attention)");
                yield false;
            }
        };
        if (!enabled) return 0;
        // absent: transformers' default window (4096, but none for Phi-3); null: no window
        if (!json.containsKey("sliding_window")) return family == Family.PHI3 ? 0 : 4096;
        return w == null ? 0 : integer(json, "sliding_window");
    }

    /** SmolLM3's {@code no_rope_layers} (1 = RoPE, 0 = none), else every layer rotates. */
    private List<Boolean> rotaryLayers(Family family, int layers) {
        List<Boolean> out = new ArrayList<>();
        Object flags = json.get("no_rope_layers");
        if (family == Family.SMOLLM3 && flags == null && json.get("no_rope_layer_interval") != null) {
            int every = integer(json, "no_rope_layer_interval");
            for (int l = 0; l < layers; l++) out.add((l + 1) % every != 0);
            return out;
        }
        if (flags != null) {
            if (family != Family.SMOLLM3) throw unsupported("no_rope_layers", "(only SmolLM3 has NoPE layers)");
            if (!(flags instanceof List<?> list) || list.size() != layers) throw unsupported("no_rope_layers", String.valueOf(flags));
            for (Object f : list) {
                if (!(f instanceof Long v) || (v != 0 && v != 1)) throw unsupported("no_rope_layers", String.valueOf(flags));
                out.add(v == 1);
            }
            return out;
        }
        for (int l = 0; l < layers; l++) out.add(true);
        return out;
    }

    // ---- typed field access ----------------------------------------------------------------

    private List<Integer> eosIds() {
        Object eos = json.get("eos_token_id");
        return switch (eos) {
            case null -> List.of();
            case Long l -> List.of(l.intValue());
            case List<?> list -> list.stream().map(o -> ((Number) o).intValue()).toList();
            default -> throw unsupported("eos_token_id", eos + " (an int or a list of ints is expected)");
        };
    }

    private UnsupportedModelException unsupported(String field, String value) {
        return new UnsupportedModelException(source + ": unsupported " + field + " = " + value);
    }

    private void refuseIfSet(String field, String why) {
        Object v = json.get(field);
        if (v != null) throw unsupported(field, v + " (" + why + ")");
    }

    private int integer(Map<String, Object> m, String field) {
        if (!(m.get(field) instanceof Long v)) {
            throw new UnsupportedModelException(source + ": field " + field + " must be an integer, got " + m.get(field));
        }
        if (v <= 0 || v > Integer.MAX_VALUE) throw unsupported(field, String.valueOf(v));
        return v.intValue();
    }

    private int integerOrZero(String field) {
        return json.get(field) instanceof Long v && v == 0 ? 0 : integer(json, field);
    }

    private double number(Map<String, Object> m, String field, double fallback) {
        Object v = m.get(field);
        if (v == null) return fallback;
        if (v instanceof Number n) return n.doubleValue();
        throw new UnsupportedModelException(source + ": field " + field + " must be a number, got " + v);
    }

    private double positive(String field, double fallback) {
        double v = number(json, field, fallback);
        if (!(v > 0)) throw unsupported(field, String.valueOf(v));
        return v;
    }

    private boolean bool(String field, boolean fallback) {
        Object v = json.get(field);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        throw new UnsupportedModelException(source + ": field " + field + " must be true or false, got " + v);
    }

    private List<Double> doubles(String field, Object v) {
        if (!(v instanceof List<?> list)) throw new UnsupportedModelException(source + ": field " + field + " must be a list of numbers, got " + v);
        List<Double> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Number n)) throw new UnsupportedModelException(source + ": field " + field + " must be a list of numbers");
            out.add(n.doubleValue());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object m) {
        return (Map<String, Object>) m;
    }
}
