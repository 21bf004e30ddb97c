package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.registry.tiny.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading errors name what is wrong; the random mka1:tiny-random model's files load as a ChatML byte-level tokenizer. */
class TokenizerLoadingTest {
    private static final String MINIMAL = """
            {"added_tokens": [], "normalizer": %s, "pre_tokenizer": %s, "post_processor": null, "decoder": %s,
             "model": {"type": "%s", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [%s]}}""";

    private static String json(String normalizer, String preTokenizer, String decoder, String modelType, String merges) {
        return MINIMAL.formatted(normalizer, preTokenizer, decoder, modelType, merges);
    }

    @Test
    void minimalTokenizerWithStringAndListMerges() {
        assertThat(Tokenizers.fromJson(json("null", "null", "null", "BPE", "\"a b\"")).encode("abab", false)).containsExactly(2, 2);
        assertThat(Tokenizers.fromJson(json("null", "null", "null", "BPE", "[\"a\", \"b\"]")).encode("ba", false)).containsExactly(1, 0);
    }

    @Test
    void unsupportedComponentsAreRefusedByName() {
        assertThatThrownBy(() -> Tokenizers.fromJson(json("null", "null", "null", "WordPiece", "")))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("WordPiece");
        assertThatThrownBy(() -> Tokenizers.fromJson(json("{\"type\": \"BertNormalizer\"}", "null", "null", "BPE", "")))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessage("tokenizer.json.normalizer: normalizer type \"BertNormalizer\" is not supported");
        assertThatThrownBy(() -> Tokenizers.fromJson(json("null",
                "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Whitespace\"}]}", "null", "BPE", "")))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessage("tokenizer.json.pre_tokenizer.pretokenizers[0]: pre_tokenizer type \"Whitespace\" is not supported");
        assertThatThrownBy(() -> Tokenizers.fromJson(json("null", "null", "{\"type\": \"WordPiece\"}", "BPE", "")))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("decoder type \"WordPiece\"");
    }

    @Test
    void badMergesAndMissingFieldsAreNamed() {
        assertThatThrownBy(() -> Tokenizers.fromJson(json("null", "null", "null", "BPE", "\"a c\"")))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessage("tokenizer.json.model.merges[0]: \"a c\" uses or makes a token that is not in the vocabulary");
        assertThatThrownBy(() -> Tokenizers.fromJson("{\"model\": {\"type\": \"BPE\"}}"))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessage("tokenizer.json.model.vocab: expected an object, got null (or missing)");
    }

    @Test
    void missingTokenizerJson(@TempDir Path dir) {
        assertThatThrownBy(() -> Tokenizers.load(dir))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("no tokenizer.json in");
    }

    @Test
    void chatTemplateFromJinjaFileAndNamedList(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"eos_token\": {\"content\": \"</s>\"}, \"chat_template\": [{\"name\": \"tool_use\", \"template\": \"x\"},"
                        + " {\"name\": \"default\", \"template\": \"[INST]\"}]}");
        assertThat(TokenizerConfig.read(dir)).isEqualTo(new TokenizerConfig(null, "</s>", null, null, "[INST]"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
        Files.writeString(dir.resolve("chat_template.jinja"), "<|im_start|>");
        assertThat(TokenizerConfig.read(dir).chatTemplate()).isEqualTo("<|im_start|>");
    }

    @Test
    void embeddedTinyModelTokenizer(@TempDir Path models) {
        Path dir = TinyModel.ensure(models);
        BpeTokenizer tok = Tokenizers.load(dir);
        assertThat(tok.vocabSize()).isEqualTo(TinyModel.VOCAB);
        assertThat(tok.eosId()).isEqualTo(TinyModel.IM_END);
        assertThat(tok.bosId()).isEqualTo(-1);
        assertThat(tok.encode("Hi ü", true)).containsExactly('H', 'i', ' ', 0xC3, 0xBC);
        ChatTemplate template = ChatTemplates.load(dir, tok);
        assertThat(template.name()).as("the model's own ChatML Jinja").isEqualTo("jinja");
        assertThat(template.stopTokenIds()).containsExactly(TinyModel.IM_END);
        RenderedChat chat = template.render(java.util.List.of(com.mka1.core.data.ChatMessage.of("user", "A")), null, true);
        assertThat(chat.ids()).containsExactly(TinyModel.IM_START, 'u', 's', 'e', 'r', '\n', 'A', TinyModel.IM_END, '\n',
                TinyModel.IM_START, 'a', 's', 's', 'i', 's', 't', 'a', 'n', 't', '\n');
    }
}
