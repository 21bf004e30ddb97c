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
 * The shape of a Llama-family decoder (Llama 2/3, Mistral, Qwen2/3, Gemma 2/3, Phi-3/4,
 * SmolLM/SmolLM3, OLMo2, Granite, TinyLlama), read from a Hugging Face {@code config.json} in
 * either the transformers-5 form ({@code rope_parameters}) or the transformers-4 form
 * ({@code rope_theta}/{@code rope_scaling}).
 *
 * @param ropeTheta   the base of the full-attention layers' rotary embedding
 * @param ropeScaling the scaling of the full-attention layers' rotary embedding
 * @param layers      per layer: sliding window and rotary embedding
 * @param traits      the family's steps beyond Llama's
 * @param qkvBias  q, k and v projections carry biases (Qwen2, or Llama's attention_bias)
 * @param oBias    the output projection carries a bias (Llama's attention_bias)
 * @param eosTokenIds every end-of-sequence id (config allows an int or a list)
 * @param bosTokenId beginning-of-sequence id, or -1 when the config has none
 */
public record LlamaConfig(String architecture, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int vocabSize, double rmsNormEps, double ropeTheta,
                          RopeScaling ropeScaling, boolean tieWordEmbeddings, int maxPositions, boolean qkvBias,
                          boolean oBias, int bosTokenId, List<Integer> eosTokenIds,
                          List<LayerAttention> layers, FamilyTraits traits) {

    public LlamaConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        layers = List.copyOf(layers);
        if (layers.size() != numLayers) {
            throw new UnsupportedModelException(layers.size() + " layer settings for num_hidden_layers " + numLayers);
        }
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

    /** The full-attention layers' RoPE inverse frequencies at the start of a sequence, computed in double then rounded to float. */
    public float[] invFreq() {
        int rotaryDim = layers.stream().filter(LayerAttention::rotary).mapToInt(a -> a.rope().rotaryDim()).findFirst().orElse(headDim);
        return new RotaryEmbedding(ropeTheta, ropeScaling, rotaryDim).invFreq(1);
    }

    /** The sliding window shared by every sliding layer, or 0 when no layer slides. */
    public int slidingWindow() {
        return layers.stream().mapToInt(LayerAttention::window).max().orElse(0);
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
        return new ConfigReader(Json.parseObject(json, source), source).read();
    }
}
