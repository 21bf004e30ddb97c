package com.mka1.core.tokenizer;

import com.mka1.core.json.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.testing.SharedDir;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real Llama 2 tokenizer.json against encodings made by the SentencePiece library. */
class Llama2TokenizerTest {
    private static BpeTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Llama2Fixture.tokenizer();
    }

    private record Reference(String text, int[] ids) {}

    private static List<Reference> references() {
        Path file = SharedDir.resolve("tokenizers/llama2/reference-encodings.json");
        JsonObject wrapper = JsonObject.parse("{\"r\":" + read(file) + "}", file.toString());
        return wrapper.objects("r").stream()
                .map(o -> new Reference(o.string("text"), o.list("ids").stream().mapToInt(i -> Math.toIntExact(Json.integerOrNull(i))).toArray()))
                .toList();
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void encodesEveryReferenceTextExactlyAsSentencePiece() {
        List<Reference> refs = references();
        assertThat(refs).hasSize(6);
        for (Reference r : refs) {
            assertThat(tokenizer.encode(r.text(), true)).as(r.text()).containsExactly(r.ids());
        }
    }

    @Test
    void decodesEveryReferenceBackToItsText() {
        for (Reference r : references()) {
            assertThat(tokenizer.decode(r.ids(), true)).isEqualTo(r.text());
        }
    }

    @Test
    void specialTokensAndVocabulary() {
        assertThat(tokenizer.vocabSize()).isEqualTo(32000);
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).as("no tokenizer_config.json here, so EOS is unknown").isEqualTo(-1);
        assertThat(tokenizer.tokenId("▁Hello")).isEqualTo(15043);
        assertThat(tokenizer.tokenId("<0x0A>")).isEqualTo(13);
        assertThat(tokenizer.encode("Hello world", false)).containsExactly(15043, 3186);
    }

    @Test
    void tokenizerConfigDecidesBosAndEos() {
        BpeTokenizer configured = Tokenizers.withConfig(tokenizer, new TokenizerConfig("<s>", "</s>", true, true, null));
        assertThat(configured.eosId()).isEqualTo(2);
        assertThat(configured.encode("Hello world", true)).containsExactly(1, 15043, 3186, 2);
        BpeTokenizer noBos = Tokenizers.withConfig(tokenizer, new TokenizerConfig("<s>", "</s>", false, null, null));
        assertThat(noBos.encode("Hello world", true)).containsExactly(15043, 3186);
    }

    @Test
    void addedTokensInTextAreMatchedAndNeverSplit() {
        // as Hugging Face's (legacy) Llama tokenizer: the text after "<s>" is normalized on its own, so it gets "▁"
        assertThat(tokenizer.encode("<s>[INST] Hi</s>", false)).containsExactly(1, 518, 25580, 29962, 6324, 2);
        assertThat(tokenizer.decode(new int[] {1, 15043, 2}, false)).isEqualTo("<s> Hello</s>");
    }

    @Test
    void newlinesFallBackToBytesAndRoundTrip() {
        String text = "line one\nline two\n\ttabbed";
        int[] ids = tokenizer.encode(text, false);
        assertThat(ids).contains(13); // <0x0A>
        assertThat(tokenizer.decode(ids, true)).isEqualTo(text);
    }

    @Test
    void offsetsPointAtTheSourceCharacters() {
        Encoding e = tokenizer.encodeWithOffsets("Hello world", true);
        assertThat(e.ids()).containsExactly(1, 15043, 3186);
        assertThat(e.starts()).containsExactly(0, 0, 5);
        assertThat(e.ends()).containsExactly(0, 5, 11);
    }

    @Test
    void encodesSeveralKilobytesQuickly() {
        String text = "Once upon a time, there was a little girl named Lily. She loved to play outside. ".repeat(80);
        int[] ids = tokenizer.encode(text, true);
        assertThat(tokenizer.decode(ids, true)).isEqualTo(text);
    }
}
