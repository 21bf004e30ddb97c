package com.mka1.core.inference.constrained;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.testing.SharedDir;
import com.mka1.core.tokenizer.BpeTokenizer;
import com.mka1.core.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Token masks on hand-made vocabularies (multi-byte pieces, byte tokens splitting a character) and on Llama 2's. */
class TokenMaskTest {
    private static final int EOS = 0;
    /** Id = index; EOS adds no bytes. */
    private static final String[] PIECES = {"", "{", "}", "{\"", "\"a\":", "\"", "a", "1", "12", "é", "\u00C3", "\u00A9", " ",
            "\"}", "true", "x", ":", "\":\"", "\"a", "\\n", "\\"};
    private static final String SCHEMA = """
            {"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}""";

    /** Pieces as bytes; "\u00C3" and "\u00A9" stand for the lone bytes 0xC3 and 0xA9 (é is C3 A9). */
    private static TokenVocabulary handMade() {
        byte[][] bytes = new byte[PIECES.length][];
        for (int i = 0; i < PIECES.length; i++) {
            String p = PIECES[i];
            bytes[i] = p.length() == 1 && p.charAt(0) >= 0x80 && p.charAt(0) <= 0xFF
                    ? new byte[] {(byte) p.charAt(0)} : p.getBytes(StandardCharsets.UTF_8);
        }
        return new TokenVocabulary(bytes);
    }

    private static List<String> allowed(ConstrainedDecoding d) {
        long[] mask = d.allowed();
        List<String> out = new ArrayList<>();
        for (int id = 0; id < PIECES.length; id++) {
            if (ConstrainedDecoding.contains(mask, id)) out.add(id == EOS ? "<eos>" : PIECES[id]);
        }
        return out;
    }

    private static void feed(ConstrainedDecoding d, String... pieces) {
        for (String p : pieces) {
            d.accept(List.of(PIECES).indexOf(p));
        }
    }

    @Test
    void maskFollowsTheSchemaAcrossMultiCharacterPieces() {
        TokenConstraint c = new TokenConstraint(JsonSchemaCompiler.compile(Json.parse(SCHEMA)), handMade());
        ConstrainedDecoding d = c.start(new int[] {EOS});
        assertThat(allowed(d)).containsExactly("{", "{\"", " ");
        feed(d, "{\"");
        assertThat(allowed(d)).containsExactly("a");
        feed(d, "a");
        assertThat(allowed(d)).containsExactly("\"", "\":\"");
        feed(d, "\":\"");
        // in the string: text, escapes, é whole or as its lead byte, the closing quote; never the lone continuation byte
        assertThat(allowed(d)).containsExactly("{", "}", "{\"", "\"", "a", "1", "12", "é", "\u00C3", " ", "\"}", "true", "x",
                ":", "\\n", "\\");
        feed(d, "\u00C3");
        assertThat(allowed(d)).as("after a lead byte only its continuation").containsExactly("\u00A9");
        feed(d, "\u00A9", "\\");
        // after a backslash: an escape (\" \t \\) and whatever may follow it in the string
        assertThat(allowed(d)).containsExactly("\"", "\"}", "true", "\":\"", "\"a", "\\n", "\\");
        feed(d, "\"", "12");
        assertThat(d.isComplete()).isFalse();
        assertThat(allowed(d)).contains("\"}").doesNotContain("<eos>");
        feed(d, "\"}");
        assertThat(d.isComplete()).isTrue();
        assertThat(d.canContinue()).isFalse();
        assertThat(allowed(d)).as("only the stop token once the document is whole").containsExactly("<eos>");
    }

    @Test
    void budgetKeepsOnlyTokensThatLeaveRoomToFinish() {
        TokenConstraint c = new TokenConstraint(JsonSchemaCompiler.compile(Json.parse(SCHEMA)), handMade());
        ConstrainedDecoding d = c.start(new int[] {EOS});
        feed(d, "{\"", "a", "\":\"");
        assertThat(d.minBytesToFinish()).isEqualTo(2); // "}
        // 3 tokens after this one: the closing quote, the brace and the stop token must still fit
        assertThat(d.fits(List.of(PIECES).indexOf("x"), 3)).isTrue();
        assertThat(d.fits(List.of(PIECES).indexOf("x"), 2)).isFalse();
        assertThat(d.fits(List.of(PIECES).indexOf("\"}"), 1)).isTrue();
        long[] within = d.allowedWithin(1);
        List<String> names = new ArrayList<>();
        for (int id = 0; id < PIECES.length; id++) if (ConstrainedDecoding.contains(within, id)) names.add(PIECES[id]);
        assertThat(names).containsExactly("\"}");
    }

    @Test
    void jsonObjectMaskAllowsAnyObjectAndNothingElse() {
        TokenConstraint c = new TokenConstraint(JsonSchemaCompiler.anyObject(), handMade());
        ConstrainedDecoding d = c.start(new int[] {EOS});
        assertThat(allowed(d)).containsExactly("{", "{\"", " ");
        feed(d, "{");
        // a key may be empty or start with any character: "a": and ":" are whole keys, "} starts one
        assertThat(allowed(d)).containsExactly("}", "\"a\":", "\"", "\"}", "\":\"", "\"a");
        feed(d, "\"a", "\":\"", "x", "\"}");
        assertThat(allowed(d)).containsExactly("<eos>");
    }

    @Test
    void llama2TokenizerBytesAndMasksHandleMetaspaceAndByteFallback() {
        BpeTokenizer tok = Tokenizers.load(SharedDir.resolve("tokenizers/llama2"));
        assertThat(tok.tokenBytes(tok.tokenId("<0xE2>"))).containsExactly(0xE2);
        assertThat(new String(tok.tokenBytes(tok.tokenId("▁{")), StandardCharsets.UTF_8)).isEqualTo(" {");
        assertThat(new String(tok.tokenBytes(tok.tokenId("\":")), StandardCharsets.UTF_8)).isEqualTo("\":");
        int eos = tok.tokenId("</s>");
        assertThat(tok.tokenBytes(eos)).isEmpty();
        TokenVocabulary vocab = TokenVocabulary.of(tok);
        assertThat(vocab.hasEveryByte()).isTrue();
        TokenConstraint c = new TokenConstraint(JsonSchemaCompiler.compile(Json.parse(SCHEMA)), vocab);
        ConstrainedDecoding d = c.start(new int[] {eos});
        long[] first = d.allowed();
        assertThat(ConstrainedDecoding.contains(first, tok.tokenId("{"))).isTrue();
        assertThat(ConstrainedDecoding.contains(first, tok.tokenId("▁{"))).isTrue();
        assertThat(ConstrainedDecoding.contains(first, tok.tokenId("{\""))).isTrue();
        assertThat(ConstrainedDecoding.contains(first, tok.tokenId("▁the"))).isFalse();
        assertThat(ConstrainedDecoding.contains(first, eos)).isFalse();
        d.accept(tok.tokenId("{\""));
        d.accept(tok.tokenId("a"));
        d.accept(tok.tokenId("\":"));
        d.accept(tok.tokenId("▁\""));
        long[] inString = d.allowed();
        assertThat(ConstrainedDecoding.contains(inString, tok.tokenId("▁the"))).isTrue();
        assertThat(ConstrainedDecoding.contains(inString, tok.tokenId("<0xE2>"))).isTrue();
        assertThat(ConstrainedDecoding.contains(inString, tok.tokenId("<0x80>"))).isFalse();
        assertThat(ConstrainedDecoding.contains(inString, tok.tokenId("<0x0A>"))).as("a raw newline").isFalse();
        assertThat(ConstrainedDecoding.contains(inString, eos)).isFalse();
    }

    @Test
    void randomWalksThroughMasksAlwaysEndInValidDocuments() {
        JsonValue schema = JsonSchemaCompilerTest.nestedSchema();
        byte[][] bytes = new byte[256 + 1][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        bytes[256] = new byte[0]; // the stop token
        TokenConstraint c = new TokenConstraint(JsonSchemaCompiler.compile(schema), new TokenVocabulary(bytes));
        SplittableRandom random = new SplittableRandom(7);
        for (int run = 0; run < 200; run++) {
            int budget = 400;
            ConstrainedDecoding d = c.start(new int[] {256});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int left = budget; left > 0; left--) {
                long[] mask = d.allowedWithin(left - 1);
                List<Integer> ids = new ArrayList<>();
                for (int id = 0; id < 257; id++) if (ConstrainedDecoding.contains(mask, id)) ids.add(id);
                int pick = ids.get(random.nextInt(ids.size()));
                if (pick == 256) break;
                d.accept(pick);
                out.write(pick);
            }
            assertThat(d.isComplete()).isTrue();
            JsonValue doc = Json.parse(out.toByteArray());
            assertThat(SchemaValidator.problems(schema, doc)).as(out.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }
}
