package com.mka1.core.model;

import com.mka1.core.testing.SharedDir;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LlamaConfigTest {
    private static LlamaConfig parse(String json) {
        return LlamaConfig.parse(json.getBytes(StandardCharsets.UTF_8), "config.json");
    }

    private static final String QWEN2 = """
            {"architectures":["Qwen2ForCausalLM"],"hidden_size":896,"intermediate_size":4864,"num_hidden_layers":24,
             "num_attention_heads":14,"num_key_value_heads":2,"vocab_size":151936,"rms_norm_eps":1e-06,
             "rope_theta":1000000.0,"tie_word_embeddings":true,"max_position_embeddings":32768,
             "bos_token_id":151643,"eos_token_id":151645,"hidden_act":"silu","sliding_window":32768}""";

    @Test
    void stories260kConfig() {
        LlamaConfig c = LlamaConfig.load(SharedDir.resolve("models/stories260k"));
        RotaryEmbedding rope = new RotaryEmbedding(10000.0, new RopeScaling.None(), 8);
        assertThat(c).isEqualTo(new LlamaConfig("LlamaForCausalLM", 64, 172, 5, 8, 4, 8, 512, 1e-5, 10000.0,
                new RopeScaling.None(), true, 512, false, false, 1, List.of(2),
                java.util.Collections.nCopies(5, new LayerAttention(0, rope)), FamilyTraits.llama(8)));
        assertThat(c.invFreq()).containsExactly(1f, 0.1f, 0.01f, 0.001f);
    }

    @Test
    void qwen2HasQkvBiasesOnlyAndDefaultHeadDim() {
        LlamaConfig c = parse(QWEN2);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.oBias()).isFalse();
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.numKvHeads()).isEqualTo(2);
        assertThat(c.qDim()).isEqualTo(896);
        assertThat(c.kvDim()).isEqualTo(128);
        assertThat(c.eosTokenIds()).containsExactly(151645);
        assertThat(c.tieWordEmbeddings()).isTrue();
    }

    @Test
    void llama3RopeScalingKeepsHighDividesLowAndBlendsMiddleFrequencies() {
        LlamaConfig c = LlamaConfig.load(ReferenceFixture.resource("models/tiny-llama-bias"));
        assertThat(c.ropeScaling()).isEqualTo(new RopeScaling.Llama3(4, 1, 4, 64));
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.oBias()).isTrue();
        assertThat(c.eosTokenIds()).containsExactly(2, 3);
        // frequencies 1, 0.1, 0.01, 0.001; wavelengths 6.3 (< 16: kept), 62.8 (in [16, 64]: blended), 628 and 6283 (/4)
        double smooth = (64 / (2 * Math.PI / 0.1) - 1) / 3;
        float[] f = c.invFreq();
        assertThat(f[0]).isEqualTo(1f);
        assertThat(f[1]).isCloseTo((float) ((1 - smooth) * 0.1 / 4 + smooth * 0.1), within(1e-9f));
        assertThat(f[2]).isEqualTo(0.0025f);
        assertThat(f[3]).isEqualTo(0.00025f);
    }

    @Test
    void linearRopeScalingDividesEveryFrequency() {
        LlamaConfig c = parse("""
                {"model_type":"llama","hidden_size":16,"intermediate_size":32,"num_hidden_layers":1,
                 "num_attention_heads":2,"vocab_size":10,"rope_scaling":{"type":"linear","factor":2.0}}""");
        assertThat(c.invFreq()).containsExactly(0.5f, 0.05f, 0.005f, 0.0005f);
        assertThat(c.numKvHeads()).isEqualTo(2);
        assertThat(c.bosTokenId()).isEqualTo(-1);
        assertThat(c.tieWordEmbeddings()).isFalse();
    }

    @Test
    void realConfigsOfTheSupportedFamiliesParse() {
        LlamaConfig llama32 = parse("""
                {"architectures":["LlamaForCausalLM"],"attention_bias":false,"bos_token_id":128000,
                 "eos_token_id":[128001,128008,128009],"head_dim":64,"hidden_act":"silu","hidden_size":2048,
                 "intermediate_size":8192,"max_position_embeddings":131072,"mlp_bias":false,"model_type":"llama",
                 "num_attention_heads":32,"num_hidden_layers":16,"num_key_value_heads":8,"rms_norm_eps":1e-05,
                 "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
                   "original_max_position_embeddings":8192,"rope_type":"llama3"},
                 "rope_theta":500000.0,"tie_word_embeddings":true,"torch_dtype":"bfloat16","vocab_size":128256}""");
        assertThat(llama32.ropeScaling()).isEqualTo(new RopeScaling.Llama3(32, 1, 4, 8192));
        assertThat(llama32.eosTokenIds()).containsExactly(128001, 128008, 128009);
        assertThat(llama32.kvDim()).isEqualTo(512);
        LlamaConfig mistral = parse("""
                {"architectures":["MistralForCausalLM"],"hidden_size":4096,"intermediate_size":14336,
                 "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":32000,
                 "rms_norm_eps":1e-05,"rope_theta":1000000.0,"sliding_window":null,"tie_word_embeddings":false,
                 "bos_token_id":1,"eos_token_id":2,"hidden_act":"silu","max_position_embeddings":32768}""");
        assertThat(mistral.architecture()).isEqualTo("MistralForCausalLM");
        assertThat(mistral.qkvBias()).isFalse();
        assertThat(mistral.headDim()).isEqualTo(128);
        LlamaConfig smolLm = parse("""
                {"architectures":["LlamaForCausalLM"],"hidden_size":576,"intermediate_size":1536,"num_hidden_layers":30,
                 "num_attention_heads":9,"num_key_value_heads":3,"vocab_size":49152,"max_position_embeddings":2048,
                 "rms_norm_eps":1e-05,"rope_theta":10000.0,"rope_scaling":null,"tie_word_embeddings":true,
                 "hidden_act":"silu","bos_token_id":0,"eos_token_id":0}""");
        assertThat(smolLm.headDim()).isEqualTo(64);
        assertThat(smolLm.ropeScaling()).isEqualTo(new RopeScaling.None());
        assertThat(smolLm.bosTokenId()).isZero();
    }

    @Test
    void unsupportedSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> parse(QWEN2.replace("Qwen2ForCausalLM", "GPT2LMHeadModel")))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageStartingWith("config.json: unsupported architectures = GPT2LMHeadModel");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"silu\"", "\"gelu\"")))
                .hasMessage("config.json: unsupported hidden_act = gelu (only silu and gelu_pytorch_tanh)");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"rope_scaling\":{\"rope_type\":\"ntk\",\"factor\":4},\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported rope_scaling.rope_type = ntk");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"rope_scaling\":{\"type\":\"linear\"},\"hidden_act\"")))
                .hasMessage("rope_scaling.factor must be a positive number, got NaN");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_size\":896,", "")))
                .hasMessage("config.json: field hidden_size must be an integer, got null");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"num_key_value_heads\":2", "\"num_key_value_heads\":4")))
                .hasMessage("num_attention_heads 14 is not a multiple of num_key_value_heads 4");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"mlp_bias\":true,\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported mlp_bias");
    }

    /** Each folder and its transformers-4 twin read to the same config (the same model). */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"llama-tied", "llama-untied", "llama-rope-llama3",
            "llama-rope-yarn", "mistral-swa8", "qwen2-swa8"})
    void bothConfigDialectsReadTheSameModel(String folder) {
        LlamaConfig v5 = LlamaConfig.load(ArchFixture.ROOT.resolve(folder));
        assertThat(LlamaConfig.load(ArchFixture.ROOT.resolve(folder + "__v4cfg"))).isEqualTo(v5);
    }

    @Test
    void ropeParametersOfTheFixturesAreReadExactly() {
        LlamaConfig llama3 = LlamaConfig.load(ArchFixture.ROOT.resolve("llama-rope-llama3"));
        assertThat(llama3.ropeTheta()).isEqualTo(500000.0);
        assertThat(llama3.ropeScaling()).isEqualTo(new RopeScaling.Llama3(8, 1, 4, 32));
        LlamaConfig yarn = LlamaConfig.load(ArchFixture.ROOT.resolve("llama-rope-yarn"));
        assertThat(yarn.ropeScaling()).isEqualTo(new RopeScaling.Yarn(4, 128, 32, 1, true, 0.1 * Math.log(4) + 1));
        LlamaConfig mistral = LlamaConfig.load(ArchFixture.ROOT.resolve("mistral-swa8"));
        assertThat(mistral.ropeTheta()).isEqualTo(1e6);
        assertThat(mistral.layers()).extracting(LayerAttention::window).containsExactly(8, 8);
        LlamaConfig gemma3 = LlamaConfig.load(ArchFixture.ROOT.resolve("gemma3"));
        assertThat(gemma3.layers()).extracting(LayerAttention::window).containsExactly(8, 0);
        assertThat(gemma3.layers()).extracting(a -> a.rope().theta()).containsExactly(1e4, 1e6);
        assertThat(gemma3.traits().qkNorm()).isEqualTo(FamilyTraits.QkNorm.PER_HEAD);
        assertThat(gemma3.traits().embeddingScale()).isEqualTo(8f);
        LlamaConfig smol = LlamaConfig.load(ArchFixture.ROOT.resolve("smollm3"));
        assertThat(smol.layers()).extracting(LayerAttention::rotary).containsExactly(true, false);
        LlamaConfig granite = LlamaConfig.load(ArchFixture.ROOT.resolve("granite"));
        assertThat(granite.traits()).extracting(FamilyTraits::embeddingScale, FamilyTraits::residualScale,
                FamilyTraits::logitScale, FamilyTraits::attentionScale).containsExactly(2f, 0.5f, 0.5f, 0.25);
        LlamaConfig gemma2 = LlamaConfig.load(ArchFixture.ROOT.resolve("gemma2"));
        assertThat(gemma2.traits()).extracting(FamilyTraits::finalLogitSoftcap, FamilyTraits::attnLogitSoftcap,
                FamilyTraits::activation).containsExactly(30f, 50f, FamilyTraits.Activation.GELU_TANH);
    }

    /** Real Gemma 3 checkpoints (transformers 4): rope_theta and rope_scaling for global layers, rope_local_base_freq for sliding ones. */
    @Test
    void gemma3TransformersFourRopeFields() {
        LlamaConfig c = parse("""
                {"architectures":["Gemma3ForCausalLM"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":6,
                 "num_attention_heads":4,"num_key_value_heads":1,"head_dim":16,"vocab_size":512,"query_pre_attn_scalar":256,
                 "rope_theta":1000000.0,"rope_local_base_freq":10000.0,"rope_scaling":{"rope_type":"linear","factor":8.0},
                 "sliding_window":512,"sliding_window_pattern":6,"hidden_activation":"gelu_pytorch_tanh"}""");
        assertThat(c.layers()).extracting(LayerAttention::window).containsExactly(512, 512, 512, 512, 512, 0);
        assertThat(c.layers().getFirst().rope()).isEqualTo(new RotaryEmbedding(1e4, new RopeScaling.None(), 16));
        assertThat(c.layers().getLast().rope()).isEqualTo(new RotaryEmbedding(1e6, new RopeScaling.Linear(8), 16));
        assertThat(c.traits().attentionScale()).isEqualTo(1 / 16.0);
        assertThat(c.traits().attnLogitSoftcap()).isZero();
        assertThat(c.tieWordEmbeddings()).isTrue();
        // absent fields take transformers' Gemma 2 defaults: head_dim 256, query_pre_attn_scalar 256, caps 30 and 50
        LlamaConfig gemma2 = parse("""
                {"model_type":"gemma2","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,
                 "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":512}""");
        assertThat(gemma2.headDim()).isEqualTo(256);
        assertThat(gemma2.layers()).extracting(LayerAttention::window).containsExactly(4096, 0);
        assertThat(gemma2.traits()).extracting(FamilyTraits::attentionScale, FamilyTraits::finalLogitSoftcap,
                FamilyTraits::attnLogitSoftcap).containsExactly(1 / 16.0, 30f, 50f);
    }

    @Test
    void lengthDependentRopeScaling() {
        LlamaConfig dynamic = parse("""
                {"model_type":"llama","hidden_size":16,"intermediate_size":32,"num_hidden_layers":1,"num_attention_heads":2,
                 "vocab_size":10,"max_position_embeddings":100,"rope_scaling":{"type":"dynamic","factor":2.0}}""");
        RotaryEmbedding rope = dynamic.layers().getFirst().rope();
        assertThat(rope.invFreq(100)).containsExactly(1f, 0.1f, 0.01f, 0.001f);
        double theta = 10000 * Math.pow(2.0 * 200 / 100 - 1, 8 / 6.0); // transformers' dynamic NTK base at 200 tokens
        assertThat(rope.invFreq(200)[1]).isEqualTo((float) Math.pow(theta, -2.0 / 8));
        LlamaConfig phi3 = parse("""
                {"architectures":["Phi3ForCausalLM"],"hidden_size":16,"intermediate_size":32,"num_hidden_layers":1,
                 "num_attention_heads":2,"vocab_size":10,"max_position_embeddings":131072,"original_max_position_embeddings":4096,
                 "partial_rotary_factor":0.5,"rope_theta":10000.0,
                 "rope_scaling":{"type":"longrope","short_factor":[1.0,2.0],"long_factor":[4.0,8.0]}}""");
        RotaryEmbedding longrope = phi3.layers().getFirst().rope();
        assertThat(longrope.rotaryDim()).isEqualTo(4);
        assertThat(longrope.invFreq(4096)).containsExactly(1f, 0.005f);
        assertThat(longrope.invFreq(4097)).containsExactly(0.25f, 0.00125f);
        assertThat(longrope.scaling().attentionFactor()).isEqualTo(Math.sqrt(1 + Math.log(32) / Math.log(4096)));
    }

    @Test
    void settingsThatChangeTheMathAndAreNotImplementedAreRefusedByName() {
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"rope_scaling\":{\"rope_type\":\"mrope\",\"mrope_section\":[16,24,24]},\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported rope_scaling.mrope_section = [16, 24, 24] (unknown RoPE parameter)");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"layer_types\":[\"chunked_attention\"],\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported layer_types = 1 entries for 24 layers");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"attention_chunk_size\":8192,\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported attention_chunk_size = 8192");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"use_bidirectional_attention\":true,\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported use_bidirectional_attention = true");
        assertThatThrownBy(() -> parse(QWEN2.replace("Qwen2ForCausalLM", "LlamaForCausalLM").replace("\"sliding_window\":32768", "\"sliding_window\":4096")))
                .hasMessageStartingWith("config.json: unsupported sliding_window = 4096 (llama has no sliding attention)");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"no_rope_layers\":[1],\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported no_rope_layers");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"rope_parameters\":{\"rope_type\":\"longrope\",\"rope_theta\":1000000,\"short_factor\":[1]},\"hidden_act\"")))
                .hasMessageStartingWith("config.json: field rope_parameters.long_factor must be a list of numbers");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"rope_parameters\":{\"rope_type\":\"default\",\"rope_theta\":10000.0},\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported rope_theta = 1000000.0 (conflicts with rope_parameters.rope_theta 10000.0)");
        // Qwen2's sliding_window only counts with use_sliding_window
        assertThat(parse(QWEN2).slidingWindow()).isZero();
        assertThat(parse(QWEN2.replace("\"hidden_act\"", "\"use_sliding_window\":true,\"max_window_layers\":20,\"hidden_act\"")).layers())
                .extracting(LayerAttention::window).containsExactly(java.util.stream.IntStream.range(0, 24)
                        .mapToObj(l -> l >= 20 ? 32768 : 0).toArray(Integer[]::new));
    }
}
