package com.mka1.core.adapter;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA {@code adapter_config.json}, read strictly: every setting that changes what the
 * adapter computes is either understood here (rsLoRA, DoRA, rank and alpha patterns, regex, list
 * and "all-linear" targets, excluded modules, {@code layers_to_transform}/{@code layers_pattern},
 * {@code modules_to_save}) or refused by name. Settings that only matter for training or
 * initialisation are ignored.
 *
 * @param baseModel         {@code base_model_name_or_path}, or null
 * @param rank              {@code r}
 * @param alpha             {@code lora_alpha}
 * @param rslora            {@code use_rslora}: scaling alpha / sqrt(r) instead of alpha / r
 * @param dora              {@code use_dora}: weight-decomposed LoRA
 * @param targets           {@code target_modules}
 * @param excluded          {@code exclude_modules}, or null
 * @param rankPattern       {@code rank_pattern}: module-name patterns to ranks
 * @param alphaPattern      {@code alpha_pattern}: module-name patterns to alphas
 * @param layersToTransform {@code layers_to_transform}, or null for every layer
 * @param layersPatterns    {@code layers_pattern} names (empty: any "name.N." segment)
 * @param modulesToSave     {@code modules_to_save}: modules stored as full trained copies
 * @param trainableTokens   {@code trainable_token_indices}: embedding rows stored whole (PEFT 0.15+; list or
 *                          {@code {"embed_tokens": [...]}} form)
 */
public record AdapterConfig(String baseModel, int rank, double alpha, boolean rslora, boolean dora, TargetModules targets,
                            TargetModules excluded, Map<String, Integer> rankPattern, Map<String, Double> alphaPattern,
                            List<Integer> layersToTransform, List<String> layersPatterns, List<String> modulesToSave,
                            List<Integer> trainableTokens) {
    public static final String FILE = "adapter_config.json";

    /** Read and interpreted by this class (with their meaning). */
    private static final Set<String> UNDERSTOOD = Set.of("peft_type", "base_model_name_or_path", "r", "lora_alpha",
            "use_rslora", "use_dora", "target_modules", "exclude_modules", "rank_pattern", "alpha_pattern",
            "layers_to_transform", "layers_pattern", "modules_to_save", "bias", "fan_in_fan_out", "task_type",
            "trainable_token_indices");
    /** Only matter for training, initialisation or bookkeeping: the saved weights already hold their effect. */
    private static final Set<String> IRRELEVANT = Set.of("inference_mode", "init_lora_weights", "lora_dropout", "revision",
            "peft_version", "auto_mapping", "megatron_core", "qalora_group_size", "loftq_config", "eva_config",
            "corda_config", "lora_ga_config", "runtime_config", "ensure_weight_tying");

    public AdapterConfig {
        rankPattern = Map.copyOf(rankPattern);
        alphaPattern = Map.copyOf(alphaPattern);
        layersToTransform = layersToTransform == null ? null : List.copyOf(layersToTransform);
        layersPatterns = List.copyOf(layersPatterns);
        modulesToSave = List.copyOf(modulesToSave);
        trainableTokens = List.copyOf(trainableTokens);
    }

    /** Reads {@code dir/adapter_config.json}; an unsupported setting throws {@link UnsupportedAdapterException} naming it. */
    public static AdapterConfig read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            return parse(Json.parseObject(Files.readAllBytes(file), file.toString()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static AdapterConfig parse(JsonValue.Obj json, String source) {
        for (var e : json.fields().entrySet()) {
            if (!UNDERSTOOD.contains(e.getKey()) && !IRRELEVANT.contains(e.getKey()) && !unset(e.getValue())) {
                throw refuse(source, e.getKey(), e.getValue());
            }
        }
        JsonValue peftType = Json.field(json, "peft_type");
        if (!(peftType instanceof JsonValue.Str(String type) && type.equals("LORA"))) throw refuse(source, "peft_type", peftType);
        JsonValue task = Json.field(json, "task_type");
        if (task != null && !(task instanceof JsonValue.Str(String t) && t.equals("CAUSAL_LM"))) throw refuse(source, "task_type", task);
        JsonValue bias = Json.field(json, "bias");
        if (bias != null && !(bias instanceof JsonValue.Str(String b) && b.equals("none"))) throw refuse(source, "bias", bias);
        if (flag(json, "fan_in_fan_out", source)) throw refuse(source, "fan_in_fan_out", new JsonValue.Bool(true));
        if (!(Json.integerOrNull(Json.field(json, "r")) instanceof Long r) || r <= 0) {
            throw new UnsupportedAdapterException(source + ": field r must be a positive integer");
        }
        if (!(Json.numberOrNull(Json.field(json, "lora_alpha")) instanceof Double alpha)) {
            throw new UnsupportedAdapterException(source + ": field lora_alpha must be a number");
        }
        JsonValue targetModules = Json.field(json, "target_modules");
        if (targetModules == null) throw new UnsupportedAdapterException(source + ": field target_modules is missing");
        TargetModules targets = TargetModules.parse(targetModules, "target_modules");
        JsonValue exclude = Json.field(json, "exclude_modules");
        TargetModules excluded = unset(exclude) ? null : TargetModules.parse(exclude, "exclude_modules");
        return new AdapterConfig(Json.field(json, "base_model_name_or_path") instanceof JsonValue.Str(String s) ? s : null,
                r.intValue(), alpha, flag(json, "use_rslora", source), flag(json, "use_dora", source), targets, excluded,
                numbers(Json.field(json, "rank_pattern"), "rank_pattern", source, Double::intValue),
                numbers(Json.field(json, "alpha_pattern"), "alpha_pattern", source, d -> d),
                layers(Json.field(json, "layers_to_transform"), source),
                strings(Json.field(json, "layers_pattern"), "layers_pattern", source),
                strings(Json.field(json, "modules_to_save"), "modules_to_save", source),
                tokenIds(Json.field(json, "trainable_token_indices"), source));
    }

    // ---- what the config means for one module --------------------------------------------

    /** Whether PEFT puts a LoRA layer on the module with full key {@code key} ("model.layers.3.mlp.up_proj"). */
    public boolean targets(String key) {
        if (excluded != null && excluded.matches(key)) return false;
        if (!targets.matches(key)) return false;
        if (layersToTransform == null || !targets.layerFiltered()) return true;
        Integer layer = layerIndex(key);
        return layer != null && layersToTransform.contains(layer);
    }

    /** The rank of the module's adapter: its {@code rank_pattern} entry, else {@code r}. */
    public int rank(String key) {
        String pattern = patternKey(rankPattern.keySet(), key);
        return pattern == null ? rank : rankPattern.get(pattern);
    }

    /** The multiplier of the module's {@code B A}: alpha / r (alpha / sqrt(r) with rsLoRA), with its patterns. */
    public double scaling(String key) {
        String pattern = patternKey(alphaPattern.keySet(), key);
        double a = pattern == null ? alpha : alphaPattern.get(pattern);
        int r = rank(key);
        return rslora ? a / Math.sqrt(r) : a / r;
    }

    /** Whether {@code module} (a full key) is one of {@code modules_to_save} (PEFT: the key ends with the name). */
    public boolean saves(String key) {
        return modulesToSave.stream().anyMatch(key::endsWith);
    }

    /**
     * Whether this adapter is plain LoRA: one rank and alpha for every module, no rsLoRA or DoRA,
     * no layer selection and nothing saved whole (what training writes).
     */
    public boolean plain() {
        return !rslora && !dora && rankPattern.isEmpty() && alphaPattern.isEmpty() && layersToTransform == null
                && excluded == null && modulesToSave.isEmpty();
    }

    /**
     * The adapter as LoRA slots of the training engine ({@link LoraSpec}), when it is plain and
     * puts the same projections on each of {@code numLayers} layers; empty when it needs merging.
     * On a model with {@code fusedProjections} (Phi-3) the slots sit on the fused modules PEFT
     * targets ({@code qkv_proj}, {@code gate_up_proj}), whose parts are then all targets.
     */
    public Optional<LoraSpec> uniformSpec(int numLayers, boolean fused) {
        if (!plain() || targets("lm_head") || targets("model.embed_tokens")) return Optional.empty();
        Set<Projection> first = null;
        for (int l = 0; l < numLayers; l++) {
            Set<Projection> layer = EnumSet.noneOf(Projection.class);
            for (Projection p : Projection.values()) if (targets(moduleKey(p, l, fused))) layer.add(p);
            if (first != null && !first.equals(layer)) return Optional.empty();
            first = layer;
        }
        return first == null || first.isEmpty() ? Optional.empty()
                : Optional.of(new LoraSpec(rank, alpha, 0, first, 0, trainableTokens));
    }

    /** The module holding projection {@code p} of layer {@code layer}: its own, or the fused one it is part of. */
    private static String moduleKey(Projection p, int layer, boolean fused) {
        String own = p.hfPrefix(layer);
        if (!fused) return own;
        return switch (p) {
            case Q, K, V -> own.substring(0, own.lastIndexOf('.')) + ".qkv_proj";
            case GATE, UP -> own.substring(0, own.lastIndexOf('.')) + ".gate_up_proj";
            case O, DOWN -> own;
        };
    }

    /** PEFT's get_pattern_key: the first pattern the key ends with, at a "." boundary, as a regular expression. */
    private static String patternKey(Collection<String> patterns, String key) {
        for (String p : patterns) {
            if (key.equals(p) || Pattern.compile("(^|.*\\.)" + p + "$").matcher(key).matches()) return p;
        }
        return null;
    }

    /** The layer number of a key: PEFT's {@code .*\.[^.]*\.(\d+)\.} or {@code .*\.(pattern)\.(\d+)\.}. */
    private Integer layerIndex(String key) {
        List<Pattern> patterns = new ArrayList<>();
        if (layersPatterns.isEmpty()) {
            patterns.add(Pattern.compile(".*\\.[^.]*\\.(\\d+)\\..*"));
        } else {
            for (String p : layersPatterns) patterns.add(Pattern.compile(".*\\." + p + "\\.(\\d+)\\..*"));
        }
        for (Pattern p : patterns) {
            Matcher m = p.matcher(key);
            if (m.matches()) return Integer.parseInt(m.group(1));
        }
        return null;
    }

    // ---- parsing helpers ---------------------------------------------------------------------

    private static boolean unset(JsonValue v) {
        return v == null || v == JsonValue.Null.INSTANCE || v instanceof JsonValue.Bool(boolean b) && !b
                || v instanceof JsonValue.Obj o && o.fields().isEmpty() || v instanceof JsonValue.Arr a && a.items().isEmpty();
    }

    private static UnsupportedAdapterException refuse(String source, String field, JsonValue value) {
        return new UnsupportedAdapterException(source + ": unsupported " + field + " = "
                + (value instanceof JsonValue.Str ? Json.write(Json.VALUE, value) : Json.text(value)));
    }

    private static boolean flag(JsonValue.Obj json, String field, String source) {
        JsonValue v = Json.field(json, field);
        if (v == null) return false;
        if (v instanceof JsonValue.Bool(boolean b)) return b;
        throw refuse(source, field, v);
    }

    private static <T> Map<String, T> numbers(JsonValue v, String field, String source, java.util.function.Function<Double, T> as) {
        Map<String, T> out = new LinkedHashMap<>();
        if (v == null) return out;
        if (!(v instanceof JsonValue.Obj map)) throw refuse(source, field, v);
        for (var e : map.fields().entrySet()) {
            if (!(Json.numberOrNull(e.getValue()) instanceof Double n)) throw refuse(source, field, v);
            out.put(e.getKey(), as.apply(n));
        }
        return out;
    }

    private static List<Integer> layers(JsonValue v, String source) {
        if (v == null) return null;
        if (Json.integerOrNull(v) instanceof Long one) return List.of(one.intValue());
        if (v instanceof JsonValue.Arr(List<JsonValue> list) && list.stream().allMatch(i -> Json.integerOrNull(i) != null)) {
            return list.isEmpty() ? null : list.stream().map(i -> Json.integerOrNull(i).intValue()).toList();
        }
        throw refuse(source, "layers_to_transform", v);
    }

    /** {@code trainable_token_indices}: distinct ids, as a list or under {@code embed_tokens} (PEFT's map form). */
    private static List<Integer> tokenIds(JsonValue v, String source) {
        if (v == null) return List.of();
        if (v instanceof JsonValue.Obj byLayer) {
            for (String layer : byLayer.fields().keySet()) {
                if (!layer.equals("embed_tokens")) throw refuse(source, "trainable_token_indices on layer " + layer, v);
            }
            return tokenIds(Json.field(byLayer, "embed_tokens"), source);
        }
        if (!(v instanceof JsonValue.Arr(List<JsonValue> ids))) throw refuse(source, "trainable_token_indices", v);
        List<Integer> out = new ArrayList<>();
        for (JsonValue id : ids) {
            Long l = Json.integerOrNull(id);
            if (l == null || l < 0 || l > Integer.MAX_VALUE || out.contains(l.intValue())) throw refuse(source, "trainable_token_indices", v);
            out.add(l.intValue());
        }
        return out;
    }

    private static List<String> strings(JsonValue v, String field, String source) {
        if (v == null) return List.of();
        if (v instanceof JsonValue.Str(String s)) return List.of(s);
        if (v instanceof JsonValue.Arr(List<JsonValue> list) && list.stream().allMatch(JsonValue.Str.class::isInstance)) {
            return list.stream().map(i -> ((JsonValue.Str) i).value()).toList();
        }
        throw refuse(source, field, v);
    }
}
