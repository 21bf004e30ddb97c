package com.mka1.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.model.Projection;
import com.mka1.core.model.UnsupportedModelException;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** adapter_config.json read as PEFT 0.21 reads it: target matching, patterns, layers, and refusals by name. */
class AdapterConfigTest {
    private static final String BASE = "{\"peft_type\":\"LORA\",\"task_type\":\"CAUSAL_LM\",\"r\":4,\"lora_alpha\":8,";

    private static AdapterConfig parse(String rest) {
        return AdapterConfig.parse(Json.parseObject((BASE + rest + "}").getBytes(), "adapter_config.json"), "adapter_config.json");
    }

    @Test
    void namesMatchWholeKeysOrDottedSuffixesAndLayersNarrowThem() {
        AdapterConfig c = parse("\"target_modules\":[\"q_proj\",\"mlp.up_proj\"],\"layers_to_transform\":[1,3]");
        assertThat(c.targets("model.layers.1.self_attn.q_proj")).isTrue();
        assertThat(c.targets("model.layers.3.mlp.up_proj")).isTrue();
        assertThat(c.targets("model.layers.2.self_attn.q_proj")).as("layer 2 is not transformed").isFalse();
        assertThat(c.targets("model.layers.1.self_attn.k_proj")).isFalse();
        assertThat(c.targets("model.layers.1.self_attn.xq_proj")).as("a suffix only counts at a dot").isFalse();
        assertThat(c.uniformSpec(5, false)).as("partial layers need folding").isEmpty();
    }

    @Test
    void aRegexMustMatchTheWholeKeyAndIgnoresLayersToTransform() {
        AdapterConfig c = parse("\"target_modules\":\".*\\\\.(k_proj|o_proj)\",\"layers_to_transform\":[0]");
        assertThat(c.targets("model.layers.4.self_attn.k_proj")).isTrue();
        assertThat(c.targets("model.layers.4.self_attn.k_proj.x")).isFalse();
        assertThat(c.targets("model.layers.4.self_attn.q_proj")).isFalse();
    }

    @Test
    void patternsSetRankAndAlphaPerModuleAndRsloraScalesBySquareRoot() {
        AdapterConfig c = parse("\"target_modules\":[\"q_proj\",\"up_proj\"],\"rank_pattern\":{\"up_proj\":2},"
                + "\"alpha_pattern\":{\"q_proj\":32}");
        assertThat(c.rank("model.layers.0.mlp.up_proj")).isEqualTo(2);
        assertThat(c.rank("model.layers.0.self_attn.q_proj")).isEqualTo(4);
        assertThat(c.scaling("model.layers.0.self_attn.q_proj")).isEqualTo(8.0);
        assertThat(c.scaling("model.layers.0.mlp.up_proj")).isEqualTo(4.0);
        assertThat(c.scaling("model.layers.0.mlp.gate_up_proj")).as("patterns match at a dot").isEqualTo(2.0);
        AdapterConfig rs = parse("\"target_modules\":[\"q_proj\"],\"use_rslora\":true");
        assertThat(rs.scaling("model.layers.0.self_attn.q_proj")).isEqualTo(4.0);
    }

    @Test
    void plainLoraOnEveryLayerBecomesTheEnginesLoraSlots() {
        assertThat(parse("\"target_modules\":[\"v_proj\",\"q_proj\"],\"lora_dropout\":0.05").uniformSpec(5, false))
                .isEqualTo(Optional.of(new LoraSpec(4, 8, 0, EnumSet.of(Projection.Q, Projection.V), 0, List.of())));
        assertThat(parse("\"target_modules\":\"all-linear\"").uniformSpec(2, false).orElseThrow().targets())
                .containsExactlyInAnyOrder(Projection.values());
        assertThat(parse("\"target_modules\":[\"q_proj\"],\"use_dora\":true").uniformSpec(5, false)).isEmpty();
        assertThat(parse("\"target_modules\":[\"q_proj\"],\"modules_to_save\":[\"norm\"]").saves("model.layers.0.input_layernorm"))
                .as("PEFT matches modules_to_save by plain suffix").isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"target_modules\":[\"q_proj\"],\"lora_bias\":true | unsupported lora_bias = true",
            "\"target_modules\":[\"q_proj\"],\"use_qalora\":true | unsupported use_qalora = true",
            "\"target_modules\":[\"q_proj\"],\"fan_in_fan_out\":true | unsupported fan_in_fan_out = true",
            "\"target_modules\":[\"q_proj\"],\"bias\":\"all\" | unsupported bias = \"all\"",
            "\"target_modules\":[\"q_proj\"],\"layer_replication\":[[0,2]] | unsupported layer_replication = [[0,2]]",
            "\"target_modules\":[\"q_proj\"],\"trainable_token_indices\":{\"lm_head\":[5]} | unsupported trainable_token_indices on layer lm_head = {\"lm_head\":[5]}",
            "\"target_modules\":[\"q_proj\"],\"trainable_token_indices\":[5,5] | unsupported trainable_token_indices = [5,5]",
            "\"target_modules\":[\"q_proj\"],\"some_future_option\":{\"x\":1} | unsupported some_future_option = {\"x\":1}",
            "\"target_modules\":[\"q_proj\"],\"task_type\":\"SEQ_CLS\" | unsupported task_type = \"SEQ_CLS\"",
            "\"target_modules\":7 | unsupported target_modules = 7"})
    void anythingThatChangesTheModelAndIsNotImplementedIsRefusedByName(String rest, String message) {
        assertThatThrownBy(() -> parse(rest)).isInstanceOf(UnsupportedAdapterException.class).hasMessageContaining(message);
    }

    @Test
    void trainableTokenRowsRideAlongInTheLoraSlots() {
        assertThat(parse("\"target_modules\":[\"q_proj\"],\"trainable_token_indices\":[2,7]").uniformSpec(3, false))
                .isEqualTo(Optional.of(new LoraSpec(4, 8, 0, EnumSet.of(Projection.Q), 0, List.of(2, 7))));
        assertThat(parse("\"target_modules\":[\"q_proj\"],\"trainable_token_indices\":{\"embed_tokens\":[2]}").trainableTokens())
                .as("PEFT's map form").containsExactly(2);
    }

    @Test
    void trainingSettingsThatTheWeightsAlreadyHoldAreIgnored() {
        AdapterConfig c = parse("\"target_modules\":[\"q_proj\"],\"lora_dropout\":0.1,\"init_lora_weights\":\"gaussian\","
                + "\"loftq_config\":{\"loftq_bits\":4},\"inference_mode\":false,\"use_dora\":false,\"megatron_config\":null");
        assertThat(c.plain()).isTrue();
    }

    @Test
    void trainingFromAnAdapterRefusesVariantsByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(PeftAdapter.CONFIG_FILE), BASE + "\"target_modules\":[\"q_proj\"],\"use_dora\":true}");
        assertThatThrownBy(() -> PeftAdapter.readSpec(dir)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("unsupported use_dora = true");
    }
}
