package com.mka1.core.adapter;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.util.List;
import java.util.regex.Pattern;

/** PEFT's {@code target_modules} (and {@code exclude_modules}): a list of names, a regular expression, or "all-linear". */
public sealed interface TargetModules {
    /** Whether the module with the full key {@code key} ("model.layers.0.self_attn.q_proj") is selected. */
    boolean matches(String key);

    /** Whether {@code layers_to_transform} narrows this selection (PEFT applies it to name lists only). */
    boolean layerFiltered();

    /** Names: a key equal to one, or ending in "." + one. */
    record Names(List<String> names) implements TargetModules {
        public Names {
            names = List.copyOf(names);
        }

        @Override
        public boolean matches(String key) {
            return names.stream().anyMatch(n -> key.equals(n) || key.endsWith("." + n));
        }

        @Override
        public boolean layerFiltered() {
            return true;
        }
    }

    /** A regular expression the whole key must match (Python's {@code re.fullmatch}). */
    record Regex(Pattern pattern) implements TargetModules {
        @Override
        public boolean matches(String key) {
            return pattern.matcher(key).matches();
        }

        @Override
        public boolean layerFiltered() {
            return false;
        }
    }

    /** "all-linear": every linear layer but the output head. */
    record AllLinear() implements TargetModules {
        @Override
        public boolean matches(String key) {
            return !key.equals("lm_head") && !key.endsWith(".lm_head") && !key.endsWith("embed_tokens");
        }

        @Override
        public boolean layerFiltered() {
            return true;
        }
    }

    /** The selection a config field holds: a string (regex or "all-linear") or a list of names. */
    static TargetModules parse(JsonValue value, String field) {
        if (value instanceof JsonValue.Str(String s)) {
            if (s.equals("all-linear")) return new AllLinear();
            try {
                return new Regex(Pattern.compile(s));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new UnsupportedAdapterException("unsupported " + field + " = " + s + ": not a regular expression Java reads ("
                        + e.getDescription() + ")");
            }
        }
        if (value instanceof JsonValue.Arr(List<JsonValue> list) && list.stream().allMatch(JsonValue.Str.class::isInstance)) {
            return new Names(list.stream().map(v -> ((JsonValue.Str) v).value()).toList());
        }
        throw new UnsupportedAdapterException("unsupported " + field + " = " + Json.text(value) + " (a list of module names or a regular expression)");
    }
}
