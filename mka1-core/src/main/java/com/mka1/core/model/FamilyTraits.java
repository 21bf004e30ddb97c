package com.mka1.core.model;

/**
 * The ways a family's decoder differs from Llama's, each a small named step of
 * {@link LlamaModel}'s forward and backward. {@link #LLAMA} changes nothing.
 *
 * @param normPlusOne        RMSNorm scales by {@code 1 + weight} (Gemma); weights are held as {@code 1 + w}
 * @param qkNorm             RMSNorm on queries and keys before RoPE
 * @param preAttnNorm        RMSNorm before attention (all but OLMo2)
 * @param postAttnNorm       RMSNorm on the attention output before its residual add (Gemma 2/3, OLMo2)
 * @param preMlpNorm         RMSNorm before the MLP (all but OLMo2)
 * @param postMlpNorm        RMSNorm on the MLP output before its residual add (Gemma 2/3, OLMo2)
 * @param activation         the MLP's gate activation
 * @param embeddingScale     embeddings are multiplied by this (Gemma sqrt(hidden), Granite embedding_multiplier)
 * @param residualScale      each block's output is multiplied by this before its residual add (Granite)
 * @param logitScale         logits are multiplied by this (Granite: 1 / logits_scaling)
 * @param finalLogitSoftcap  logits become {@code c * tanh(logits / c)} when positive (Gemma 2)
 * @param attnLogitSoftcap   attention scores become {@code c * tanh(s / c)} when positive (Gemma 2)
 * @param attentionScale     the softmax scale of {@code q·k}, before any RoPE attention factor
 * @param fusedProjections   q/k/v and gate/up are stored fused as qkv_proj and gate_up_proj (Phi-3)
 */
public record FamilyTraits(boolean normPlusOne, QkNorm qkNorm, boolean preAttnNorm, boolean postAttnNorm,
                           boolean preMlpNorm, boolean postMlpNorm, Activation activation, float embeddingScale,
                           float residualScale, float logitScale, float finalLogitSoftcap, float attnLogitSoftcap,
                           double attentionScale,
                           boolean fusedProjections) {

    /** Where queries and keys are normalised. */
    public enum QkNorm {
        NONE,
        /** Per head, weight {@code [headDim]} (Qwen3, Gemma 3). */
        PER_HEAD,
        /** Over the whole projection, weight {@code [heads*headDim]} (OLMo2). */
        WHOLE
    }

    /** The gate activation of the gated MLP. */
    public enum Activation {
        /** SwiGLU: {@code silu(gate) * up}. */
        SILU,
        /** GeGLU with tanh-approximated GELU: {@code gelu_tanh(gate) * up} (Gemma). */
        GELU_TANH
    }

    /** Plain Llama with the usual {@code 1/sqrt(headDim)} attention scale. */
    static FamilyTraits llama(int headDim) {
        return new FamilyTraits(false, QkNorm.NONE, true, false, true, false, Activation.SILU, 1, 1, 1, 0, 0,
                1 / Math.sqrt(headDim), false);
    }
}
