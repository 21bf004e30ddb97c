package com.mka1.core.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The seven linear projections of a decoder layer, by their Hugging Face module names. */
public enum Projection {
    Q("self_attn", "q_proj"), K("self_attn", "k_proj"), V("self_attn", "v_proj"), O("self_attn", "o_proj"),
    GATE("mlp", "gate_proj"), UP("mlp", "up_proj"), DOWN("mlp", "down_proj");

    private final String block;
    private final String module;

    Projection(String block, String module) {
        this.block = block;
        this.module = module;
    }

    /** "q_proj", "gate_proj", ...: the name PEFT's target_modules uses. */
    public String module() {
        return module;
    }

    /** "model.layers.N.self_attn.q_proj": the HF prefix of this projection's tensors. */
    public String hfPrefix(int layer) {
        return "model.layers." + layer + "." + block + "." + module;
    }

    /**
     * The projections a PEFT {@code target_modules} entry names: one projection, or for the fused
     * modules of Phi-3 {@code qkv_proj} (q, k, v) and {@code gate_up_proj} (gate, up).
     */
    public static Set<Projection> parseModules(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "qkv_proj" -> EnumSet.of(Q, K, V);
            case "gate_up_proj" -> EnumSet.of(GATE, UP);
            default -> EnumSet.of(parse(name));
        };
    }

    /** The projection called {@code name} ("q", "q_proj", "gate_proj", ...). */
    public static Projection parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Projection p : values()) {
            if (p.module.equals(n) || p.name().toLowerCase(Locale.ROOT).equals(n)) return p;
        }
        throw new IllegalArgumentException("unknown LoRA target module '" + name + "' (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj; qkv_proj, gate_up_proj where fused)");
    }
}
