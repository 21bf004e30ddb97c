package com.mka1.core.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.model.LlamaConfig;
import com.mka1.core.testing.SharedDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which of the families the engine serves a GGUF export writes (the tiny checkpoints of
 * {@code ../shared/models/arch}), and the refusal, by name, of every other one.
 */
class GgufArchitectureTest {
    @ParameterizedTest
    @CsvSource({"llama-untied, llama", "llama-tied, llama", "llama-rope-llama3, llama"})
    void llamaShapesAreWritten(String fixture, String arch) {
        assertThat(GgufExport.architecture(LlamaConfig.load(SharedDir.resolve("models/arch/" + fixture)))).isEqualTo(arch);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "phi3      | architecture Phi3ForCausalLM has no GGUF export (LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM have)",
            "gemma2    | architecture Gemma2ForCausalLM has no GGUF export (LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM have)",
            "qwen3     | architecture Qwen3ForCausalLM has no GGUF export (LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM have)",
            "olmo2     | architecture Olmo2ForCausalLM has no GGUF export (LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM have)",
            "mistral-swa8 | MistralForCausalLM with sliding_window 8 (layer 0) has no GGUF export",
            "llama-rope-yarn | LlamaForCausalLM with RoPE scaling yarn has no GGUF export",
    })
    void everyOtherFamilyOrStepIsRefusedByName(String fixture, String message) {
        LlamaConfig config = LlamaConfig.load(SharedDir.resolve("models/arch/" + fixture));
        assertThatThrownBy(() -> GgufExport.architecture(config)).isInstanceOf(UnsupportedExportException.class).hasMessage(message);
    }
}
