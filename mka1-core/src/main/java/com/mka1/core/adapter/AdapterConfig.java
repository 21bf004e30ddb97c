package com.mka1.core.adapter;

import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import com.mka1.core.safetensors.JsonTree;
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
 */
public record AdapterConfig(String baseModel, int rank, double alpha, boolean rslora, boolean dora, TargetModules targets,
                            TargetModules excluded, Map<String, Integer> rankPattern, Map<String, Double> alphaPattern,
                            List<Integer> layersToTransform, List<String> layersPatterns, List<String> modulesToSave) {
    public static final String FILE = "adapter_config.json";

    /** Read and interpreted by this class (with their meaning). */
    private static final Set<String> UNDERSTOOD = Set.of("peft_type", "base_model_name_or_path", "r", "lora_alpha",
            "use_rslora", "use_dora", "target_modules", "exclude_modules", "rank_pattern", "alpha_pattern",
            "layers_to_transform", "layers_pattern", "modules_to_save", "bias", "fan_in_fan_out", "task_type");
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
    }

    /** Reads {@code dir/adapter_config.json}; an unsupported setting throws {@link UnsupportedAdapterException} naming it. */
    public static AdapterConfig read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            return parse(JsonTree.parseObject(Files.readAllBytes(file), file.toString()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static AdapterConfig parse(Map<String, Object> json, String source) {
        for (var e : json.entrySet()) {
            if (!UNDERSTOOD.contains(e.getKey()) && !IRRELEVANT.contains(e.getKey()) && !unset(e.getValue())) {
                throw refuse(source, e.getKey(), e.getValue());
            }
        }
        if (!"LORA".equals(json.get("peft_type"))) throw refuse(source, "peft_type", json.get("peft_type"));
        Object task = json.get("task_type");
        if (task != null && !"CAUSAL_LM".equals(task)) throw refuse(source, "task_type", task);
        Object bias = json.get("bias");
        if (bias != null && !"none".equals(bias)) throw refuse(source, "bias", bias);
        if (Boolean.TRUE.equals(json.get("fan_in_fan_out"))) throw refuse(source, "fan_in_fan_out", true);
        if (!(json.get("r") instanceof Long r) || r <= 0) throw new UnsupportedAdapterException(source + ": field r must be a positive integer");
        if (!(json.get("lora_alpha") instanceof Number alpha)) throw new UnsupportedAdapterException(source + ": field lora_alpha must be a number");
        if (json.get("target_modules") == null) throw new UnsupportedAdapterException(source + ": field target_modules is missing");
        TargetModules targets = TargetModules.parse(json.get("target_modules"), "target_modules");
        TargetModules excluded = unset(json.get("exclude_modules")) ? null : TargetModules.parse(json.get("exclude_modules"), "exclude_modules");
        return new AdapterConfig(json.get("base_model_name_or_path") instanceof String s ? s : null, r.intValue(),
                alpha.doubleValue(), flag(json, "use_rslora", source), flag(json, "use_dora", source), targets, excluded,
                numbers(json.get("rank_pattern"), "rank_pattern", source, Number::intValue),
                numbers(json.get("alpha_pattern"), "alpha_pattern", source, Number::doubleValue),
                layers(json.get("layers_to_transform"), source), strings(json.get("layers_pattern"), "layers_pattern", source),
                strings(json.get("modules_to_save"), "modules_to_save", source));
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
     */
    public Optional<LoraSpec> uniformSpec(int numLayers) {
        if (!plain() || targets("lm_head") || targets("model.embed_tokens")) return Optional.empty();
        Set<Projection> first = null;
        for (int l = 0; l < numLayers; l++) {
            Set<Projection> layer = EnumSet.noneOf(Projection.class);
            for (Projection p : Projection.values()) if (targets(p.hfPrefix(l))) layer.add(p);
            if (first != null && !first.equals(layer)) return Optional.empty();
            first = layer;
        }
        return first == null || first.isEmpty() ? Optional.empty() : Optional.of(new LoraSpec(rank, alpha, 0, first, 0));
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

    private static boolean unset(Object v) {
        return v == null || Boolean.FALSE.equals(v) || v instanceof Map<?, ?> m && m.isEmpty()
                || v instanceof List<?> l && l.isEmpty();
    }

    private static UnsupportedAdapterException refuse(String source, String field, Object value) {
        return new UnsupportedAdapterException(source + ": unsupported " + field + " = " + JsonTree.write(value));
    }

    private static boolean flag(Map<String, Object> json, String field, String source) {
        Object v = json.get(field);
        if (v == null || v instanceof Boolean) return Boolean.TRUE.equals(v);
        throw refuse(source, field, v);
    }

    private static <T> Map<String, T> numbers(Object v, String field, String source, java.util.function.Function<Number, T> as) {
        Map<String, T> out = new LinkedHashMap<>();
        if (v == null) return out;
        if (!(v instanceof Map<?, ?> map)) throw refuse(source, field, v);
        for (var e : map.entrySet()) {
            if (!(e.getValue() instanceof Number n)) throw refuse(source, field, v);
            out.put((String) e.getKey(), as.apply(n));
        }
        return out;
    }

    private static List<Integer> layers(Object v, String source) {
        if (v == null) return null;
        if (v instanceof Long one) return List.of(one.intValue());
        if (v instanceof List<?> list && list.stream().allMatch(Long.class::isInstance)) {
            return list.isEmpty() ? null : list.stream().map(o -> ((Long) o).intValue()).toList();
        }
        throw refuse(source, "layers_to_transform", v);
    }

    private static List<String> strings(Object v, String field, String source) {
        if (v == null) return List.of();
        if (v instanceof String s) return List.of(s);
        if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw refuse(source, field, v);
    }
}
