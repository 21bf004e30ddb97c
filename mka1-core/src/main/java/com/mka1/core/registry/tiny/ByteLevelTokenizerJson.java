package com.mka1.core.registry.tiny;

import com.mka1.core.json.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The tokenizer files of {@code mka1:tiny}: a GPT-2 style byte-level BPE with no merges (one token
 * per byte, ids 0..255 in byte order) and three special tokens, {@code <|endoftext|>},
 * {@code <|im_start|>} and {@code <|im_end|>} (ids 256..258).
 */
final class ByteLevelTokenizerJson {
    static final String[] SPECIALS = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};

    private ByteLevelTokenizerJson() {}

    /** GPT-2's reversible map from bytes to printable characters (byte b is written as this char). */
    static char[] byteToUnicode() {
        char[] map = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int next = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = direct[b] ? (char) b : (char) (256 + next++);
        }
        return map;
    }

    static String tokenizerJson() {
        char[] chars = byteToUnicode();
        return Json.writeDocument(false, g -> {
            g.writeStartObject();
            g.writeStringField("version", "1.0");
            g.writeNullField("truncation");
            g.writeNullField("padding");
            g.writeArrayFieldStart("added_tokens");
            for (int i = 0; i < SPECIALS.length; i++) {
                g.writeStartObject();
                g.writeNumberField("id", 256 + i);
                g.writeStringField("content", SPECIALS[i]);
                g.writeBooleanField("single_word", false);
                g.writeBooleanField("lstrip", false);
                g.writeBooleanField("rstrip", false);
                g.writeBooleanField("normalized", false);
                g.writeBooleanField("special", true);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNullField("normalizer");
            g.writeFieldName("pre_tokenizer");
            byteLevel(g, false);
            g.writeFieldName("post_processor");
            byteLevel(g, false);
            g.writeFieldName("decoder");
            byteLevel(g, true);
            g.writeObjectFieldStart("model");
            g.writeStringField("type", "BPE");
            g.writeNullField("dropout");
            g.writeNullField("unk_token");
            g.writeNullField("continuing_subword_prefix");
            g.writeNullField("end_of_word_suffix");
            g.writeBooleanField("fuse_unk", false);
            g.writeBooleanField("byte_fallback", false);
            g.writeBooleanField("ignore_merges", false);
            g.writeObjectFieldStart("vocab");
            for (int b = 0; b < 256; b++) {
                g.writeNumberField(String.valueOf(chars[b]), b);
            }
            g.writeEndObject();
            g.writeArrayFieldStart("merges");
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static void byteLevel(JsonGenerator g, boolean decoder) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "ByteLevel");
        g.writeBooleanField("add_prefix_space", decoder);
        g.writeBooleanField("trim_offsets", true);
        g.writeBooleanField("use_regex", true);
        g.writeEndObject();
    }

    static String tokenizerConfigJson(String chatTemplate) {
        return Json.writeDocument(true, g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("added_tokens_decoder");
            for (int i = 0; i < SPECIALS.length; i++) {
                g.writeObjectFieldStart(String.valueOf(256 + i));
                g.writeStringField("content", SPECIALS[i]);
                g.writeBooleanField("lstrip", false);
                g.writeBooleanField("normalized", false);
                g.writeBooleanField("rstrip", false);
                g.writeBooleanField("single_word", false);
                g.writeBooleanField("special", true);
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeNullField("bos_token");
            g.writeStringField("eos_token", "<|im_end|>");
            g.writeStringField("pad_token", "<|endoftext|>");
            g.writeStringField("chat_template", chatTemplate);
            g.writeBooleanField("clean_up_tokenization_spaces", false);
            g.writeNumberField("model_max_length", TinyModel.CONTEXT);
            g.writeStringField("tokenizer_class", "PreTrainedTokenizerFast");
            g.writeEndObject();
        });
    }
}
