package com.mka1.core.export;

import com.mka1.core.model.FamilyTraits;
import com.mka1.core.model.LayerAttention;
import com.mka1.core.model.LlamaConfig;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.RopeScaling;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded model (any adapter already folded in) as one GGUF file that llama.cpp runs: the
 * {@code llama} architecture (Llama, Mistral; Q and K rows permuted from Hugging Face's
 * rotate-half layout to ggml's interleaved RoPE, as llama.cpp's converter does) or {@code qwen2}
 * (biases, no permutation), its hyperparameters, tokenizer and chat template. Matrices are stored
 * in the asked type; norms and biases stay F32, and a matrix whose rows do not fill whole Q8_0
 * blocks is stored F16 (as llama.cpp's converter does).
 */
public final class GgufExport {
    private GgufExport() {}

    /** Writes {@code model} to {@code file}, with the tokenizer and chat template of {@code tokenizerDir}. */
    public static void write(LlamaModel model, Path tokenizerDir, String name, GgufType type, Path file) throws IOException {
        LlamaConfig c = model.config();
        String arch = architecture(c);
        GgufWriter gguf = new GgufWriter();
        gguf.put("general.architecture", arch).put("general.name", name).putUint("general.file_type", type.fileType());
        gguf.putUint("general.alignment", GgufWriter.ALIGNMENT);
        gguf.putUint(arch + ".vocab_size", c.vocabSize()).putUint(arch + ".context_length", c.maxPositions())
                .putUint(arch + ".embedding_length", c.hiddenSize()).putUint(arch + ".block_count", c.numLayers())
                .putUint(arch + ".feed_forward_length", c.intermediateSize())
                .putUint(arch + ".rope.dimension_count", c.headDim())
                .putUint(arch + ".attention.head_count", c.numHeads()).putUint(arch + ".attention.head_count_kv", c.numKvHeads())
                .putUint(arch + ".attention.key_length", c.headDim()).putUint(arch + ".attention.value_length", c.headDim())
                .put(arch + ".attention.layer_norm_rms_epsilon", (float) c.rmsNormEps())
                .put(arch + ".rope.freq_base", (float) c.ropeTheta());
        switch (c.ropeScaling()) {
            case RopeScaling.None() -> { }
            case RopeScaling.Linear(double factor) -> gguf.put(arch + ".rope.scaling.type", "linear")
                    .put(arch + ".rope.scaling.factor", (float) factor);
            case RopeScaling.Llama3 l -> gguf.add(new GgufWriter.Tensor("rope_freqs.weight", new int[] {c.headDim() / 2},
                    ropeFactors(c), GgufType.F32));
            default -> throw new IllegalStateException("architecture() admits no other RoPE scaling: " + c.ropeScaling());
        }
        GgufTokenizer.addMetadata(gguf, tokenizerDir, c.vocabSize());
        ComputeDevice dev = model.device();
        boolean permute = arch.equals("llama");
        for (Map.Entry<String, Tensor> e : model.baseWeights().entrySet()) {
            String hf = e.getKey();
            float[] values = dev.download(e.getValue());
            int[] shape = e.getValue().shape();
            if (permute && hf.endsWith("self_attn.q_proj.weight")) values = permuteRows(values, c.numHeads(), shape);
            if (permute && hf.endsWith("self_attn.k_proj.weight")) values = permuteRows(values, c.numKvHeads(), shape);
            if (permute && hf.endsWith("self_attn.q_proj.bias")) values = permuteRows(values, c.numHeads(), shape);
            if (permute && hf.endsWith("self_attn.k_proj.bias")) values = permuteRows(values, c.numKvHeads(), shape);
            gguf.add(new GgufWriter.Tensor(tensorName(hf), shape, values, storedType(type, shape)));
        }
        gguf.write(file);
    }

    /**
     * llama.cpp's architecture for {@code c}; anything this writer does not lay out as llama.cpp
     * reads it (another family, or a step beyond Llama's in a Llama config) is refused by name.
     */
    static String architecture(LlamaConfig c) {
        String arch = switch (c.architecture()) {
            case "LlamaForCausalLM", "MistralForCausalLM" -> "llama";
            case "Qwen2ForCausalLM" -> "qwen2";
            default -> throw new UnsupportedExportException("architecture " + c.architecture()
                    + " has no GGUF export (LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM have)");
        };
        String beyondLlama = beyondLlama(c);
        if (beyondLlama != null) {
            throw new UnsupportedExportException(c.architecture() + " with " + beyondLlama + " has no GGUF export");
        }
        return arch;
    }

    /** The first setting of {@code c} that llama.cpp's llama/qwen2 graph does not compute, or null. */
    private static String beyondLlama(LlamaConfig c) {
        FamilyTraits t = c.traits();
        if (t.fusedProjections()) return "fused projections";
        if (t.normPlusOne()) return "1 + weight norms";
        if (t.qkNorm() != FamilyTraits.QkNorm.NONE) return "query/key norms";
        if (!t.preAttnNorm() || !t.preMlpNorm() || t.postAttnNorm() || t.postMlpNorm()) return "a different norm placement";
        if (t.activation() != FamilyTraits.Activation.SILU) return "activation " + t.activation();
        if (t.embeddingScale() != 1 || t.residualScale() != 1 || t.logitScale() != 1) return "embedding/residual/logit multipliers";
        if (t.finalLogitSoftcap() > 0 || t.attnLogitSoftcap() > 0) return "logit soft caps";
        if (Math.abs(t.attentionScale() * Math.sqrt(c.headDim()) - 1) > 1e-9) return "attention scale " + t.attentionScale();
        if (!(c.ropeScaling() instanceof RopeScaling.None || c.ropeScaling() instanceof RopeScaling.Linear
                || c.ropeScaling() instanceof RopeScaling.Llama3)) {
            return "RoPE scaling " + c.ropeScaling().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            LayerAttention a = c.layers().get(l);
            if (a.sliding() && a.window() < c.maxPositions()) return "sliding_window " + a.window() + " (layer " + l + ")";
            if (!a.rotary()) return "a layer without RoPE (layer " + l + ")";
            if (a.rope().rotaryDim() != c.headDim()) return "partial rotary dimension " + a.rope().rotaryDim();
        }
        return null;
    }

    /** The type a tensor is stored in: vectors F32, matrices the asked type (F16 where rows do not fill Q8_0 blocks). */
    static GgufType storedType(GgufType asked, int[] shape) {
        if (shape.length == 1) return GgufType.F32;
        if (shape[shape.length - 1] % asked.blockSize() != 0) return GgufType.F16;
        return asked;
    }

    /** llama.cpp's tensor name for a Hugging Face weight name. */
    static String tensorName(String hf) {
        if (hf.equals("model.embed_tokens.weight")) return "token_embd.weight";
        if (hf.equals("model.norm.weight")) return "output_norm.weight";
        if (hf.equals("lm_head.weight")) return "output.weight";
        String rest = hf.substring("model.layers.".length());
        int dot = rest.indexOf('.');
        String layer = rest.substring(0, dot), module = rest.substring(dot + 1);
        String suffix = module.substring(module.lastIndexOf('.'));
        String base = module.substring(0, module.lastIndexOf('.'));
        String name = switch (base) {
            case "input_layernorm" -> "attn_norm";
            case "post_attention_layernorm" -> "ffn_norm";
            case "self_attn.q_proj" -> "attn_q";
            case "self_attn.k_proj" -> "attn_k";
            case "self_attn.v_proj" -> "attn_v";
            case "self_attn.o_proj" -> "attn_output";
            case "mlp.gate_proj" -> "ffn_gate";
            case "mlp.up_proj" -> "ffn_up";
            case "mlp.down_proj" -> "ffn_down";
            default -> throw new UnsupportedExportException("tensor " + hf + " has no GGUF name");
        };
        return "blk." + layer + "." + name + suffix;
    }

    /**
     * Rows of a Q or K weight {@code [heads * headDim, in]} reordered for ggml's RoPE: within
     * each head, row {@code j * headDim/2 + i} moves to {@code 2i + j} (convert_hf_to_gguf's permute).
     */
    static float[] permuteRows(float[] w, int heads, int[] shape) {
        int rows = shape[0], cols = shape.length > 1 ? shape[1] : 1, headDim = rows / heads, half = headDim / 2;
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < half; i++) {
                    System.arraycopy(w, (h * headDim + j * half + i) * cols, out, (h * headDim + 2 * i + j) * cols, cols);
                }
            }
        }
        return out;
    }

    /** llama3 RoPE scaling as llama.cpp's rope_freqs: unscaled / scaled inverse frequency per pair. */
    private static float[] ropeFactors(LlamaConfig c) {
        int half = c.headDim() / 2;
        double[] base = RopeScaling.base(c.ropeTheta(), c.headDim());
        double[] scaled = c.ropeScaling().invFreq(c.ropeTheta(), c.headDim(), 1);
        float[] out = new float[half];
        for (int i = 0; i < half; i++) out[i] = (float) (base[i] / scaled[i]);
        return out;
    }
}
