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
        assertThat(c).isEqualTo(new LlamaConfig("LlamaForCausalLM", 64, 172, 5, 8, 4, 8, 512, 1e-5, 10000.0,
                new RopeScaling.None(), true, 512, false, false, 1, List.of(2)));
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
    void unsupportedSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> parse(QWEN2.replace("Qwen2ForCausalLM", "GPT2LMHeadModel")))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageStartingWith("config.json: unsupported architectures = GPT2LMHeadModel");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"silu\"", "\"gelu\"")))
                .hasMessage("config.json: unsupported hidden_act = gelu (only silu)");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4},\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported rope_scaling.rope_type = yarn");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_size\":896,", "")))
                .hasMessage("config.json: field hidden_size must be an integer, got null");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"num_key_value_heads\":2", "\"num_key_value_heads\":4")))
                .hasMessage("num_attention_heads 14 is not a multiple of num_key_value_heads 4");
        assertThatThrownBy(() -> parse(QWEN2.replace("\"hidden_act\"", "\"mlp_bias\":true,\"hidden_act\"")))
                .hasMessageStartingWith("config.json: unsupported mlp_bias");
    }
}
