package com.mka1.core.model;

import com.mka1.spi.Tensor;

/**
 * A trainable tensor and its gradient, with the name it is saved under (HF or PEFT naming,
 * e.g. "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").
 * {@code weightDecay} says whether AdamW decays it (false for norms and biases).
 */
public record Parameter(String name, Tensor value, Tensor gradient, boolean weightDecay) {}
