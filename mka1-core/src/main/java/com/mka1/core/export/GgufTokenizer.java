package com.mka1.core.export;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.tokenizer.TokenizerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer metadata llama.cpp needs, from a model's {@code tokenizer.json} and
 * {@code tokenizer_config.json}: SentencePiece-style BPE ("▁" for spaces, byte fallback) becomes
 * {@code tokenizer.ggml.model = "llama"} with scores that replay the merge order (llama.cpp merges
 * the pair whose result scores highest); byte-level BPE becomes {@code "gpt2"} with its merges and
 * the pre-tokenizer named. Anything else is refused by name.
 */
final class GgufTokenizer {
    private static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    private GgufTokenizer() {}

    static void addMetadata(GgufWriter gguf, Path modelDir, int vocabSize) {
        Path file = modelDir.resolve("tokenizer.json");
        JsonValue.Obj json;
        try {
            json = Json.parseObject(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        JsonValue.Obj model = Json.field(json, "model") instanceof JsonValue.Obj m ? m : null;
        JsonValue modelType = model == null ? null : Json.field(model, "type");
        if (!(modelType instanceof JsonValue.Str(String type) && type.equals("BPE"))
                || !(Json.field(model, "vocab") instanceof JsonValue.Obj vocab)) {
            throw new UnsupportedExportException(file + ": tokenizer model " + Json.text(modelType) + " has no GGUF export (BPE has)");
        }
        String[] tokens = new String[vocabSize];
        for (var e : vocab.fields().entrySet()) {
            int id = id(e.getValue(), file);
            if (id < vocabSize) tokens[id] = e.getKey();
        }
        Map<String, Boolean> special = new HashMap<>();
        if (Json.field(json, "added_tokens") instanceof JsonValue.Arr(List<JsonValue> added)) {
            for (JsonValue o : added) {
                if (!(o instanceof JsonValue.Obj t) || !(Json.field(t, "content") instanceof JsonValue.Str(String content))) {
                    throw new UnsupportedExportException(file + ": an added token without content: " + Json.text(o));
                }
                int id = id(Json.field(t, "id"), file);
                if (id < vocabSize) tokens[id] = content;
                special.put(content, Json.field(t, "special") instanceof JsonValue.Bool(boolean b) && b);
            }
        }
        boolean[] padding = new boolean[vocabSize]; // rows of the embedding beyond the tokenizer's vocabulary
        for (int i = 0; i < vocabSize; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]";
                padding[i] = true;
            }
        }
        List<String> merges = merges(Json.field(model, "merges"));
        boolean byteLevel = Json.text(Json.field(json, "pre_tokenizer")).contains("\"ByteLevel\"");
        String unkToken = Json.field(model, "unk_token") instanceof JsonValue.Str(String unk) ? unk : null;
        int[] types = new int[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            Boolean isSpecial = special.get(tokens[i]);
            types[i] = isSpecial == null ? (!byteLevel && tokens[i].matches("<0x[0-9A-F]{2}>") ? BYTE : NORMAL)
                    : isSpecial ? CONTROL : USER_DEFINED;
            if (tokens[i].equals(unkToken)) types[i] = UNKNOWN;
            if (padding[i]) types[i] = UNUSED;
        }
        gguf.put("tokenizer.ggml.model", byteLevel ? "gpt2" : "llama");
        if (byteLevel) gguf.put("tokenizer.ggml.pre", preTokenizer(json, file));
        gguf.put("tokenizer.ggml.tokens", List.of(tokens));
        if (!byteLevel) gguf.put("tokenizer.ggml.scores", scores(tokens, merges));
        gguf.put("tokenizer.ggml.token_type", new GgufWriter.Int32s(types));
        if (byteLevel) gguf.put("tokenizer.ggml.merges", merges);
        TokenizerConfig config = TokenizerConfig.read(modelDir);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocabSize; i++) ids.putIfAbsent(tokens[i], i);
        putId(gguf, "tokenizer.ggml.bos_token_id", ids.get(config.bosToken()));
        putId(gguf, "tokenizer.ggml.eos_token_id", ids.get(config.eosToken()));
        if (unkToken != null) putId(gguf, "tokenizer.ggml.unknown_token_id", ids.get(unkToken));
        gguf.put("tokenizer.ggml.add_bos_token", config.addBosToken() != null ? config.addBosToken() : !byteLevel);
        gguf.put("tokenizer.ggml.add_eos_token", Boolean.TRUE.equals(config.addEosToken()));
        if (!byteLevel) gguf.put("tokenizer.ggml.add_space_prefix", addsSpacePrefix(json));
        gguf.put("tokenizer.chat_template", config.chatTemplate());
    }

    /** Whether "▁" goes before the text: a Prepend normalizer (older files) or a Metaspace pre-tokenizer that prepends. */
    private static boolean addsSpacePrefix(JsonValue.Obj json) {
        if (Json.text(Json.field(json, "normalizer")).contains("\"Prepend\"")) return true;
        String pre = Json.text(Json.field(json, "pre_tokenizer"));
        return pre.contains("\"Metaspace\"") && !pre.contains("\"prepend_scheme\":\"never\"")
                && !pre.contains("\"add_prefix_space\":false");
    }

    private static void putId(GgufWriter gguf, String key, Integer id) {
        if (id != null) gguf.putUint(key, id);
    }

    /** "a b" strings whether tokenizer.json holds them as strings or as pairs. */
    private static List<String> merges(JsonValue value) {
        List<String> out = new ArrayList<>();
        if (value instanceof JsonValue.Arr(List<JsonValue> list)) {
            for (JsonValue m : list) {
                out.add(m instanceof JsonValue.Arr(List<JsonValue> pair) ? Json.text(pair.get(0)) + " " + Json.text(pair.get(1)) : Json.text(m));
            }
        }
        return out;
    }

    /** A token id of tokenizer.json. */
    private static int id(JsonValue value, Path file) {
        Long id = Json.integerOrNull(value);
        if (id == null || id < 0 || id > Integer.MAX_VALUE) throw new UnsupportedExportException(file + ": token id " + Json.text(value));
        return id.intValue();
    }

    /** Score of a token: minus the rank of the first merge that makes it (so the earliest merge wins); 0 for
     * single characters, very low for pieces no merge makes. */
    private static float[] scores(String[] tokens, List<String> merges) {
        Map<String, Integer> rank = new HashMap<>();
        for (int r = 0; r < merges.size(); r++) {
            String m = merges.get(r);
            int space = m.indexOf(' ', 1);
            rank.putIfAbsent(m.substring(0, space) + m.substring(space + 1), r);
        }
        float[] scores = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            Integer r = rank.get(tokens[i]);
            scores[i] = r != null ? -(r + 1) : tokens[i].codePointCount(0, tokens[i].length()) == 1 ? 0 : -1e9f;
        }
        return scores;
    }

    /** llama.cpp's name for the byte-level pre-tokenizer ({@code tokenizer.ggml.pre}). */
    private static String preTokenizer(JsonValue.Obj json, Path file) {
        String pre = Json.text(Json.field(json, "pre_tokenizer"));
        if (pre.startsWith("{\"type\":\"ByteLevel\"") && pre.contains("\"use_regex\":true")) return "gpt-2";
        if (pre.contains("\\\\p{N}{1,3}") && pre.contains("(?i:'s|'t|'re|'ve|'m|'ll|'d)")) return "llama-bpe";
        if (pre.contains("(?i:'s|'t|'re|'ve|'m|'ll|'d)") && pre.contains("\\\\p{N}|")) return "qwen2";
        if (pre.contains("\"Digits\"") && pre.contains("\"individual_digits\":true")) return "smollm";
        throw new UnsupportedExportException(file + ": pre_tokenizer " + pre + " has no llama.cpp pre-tokenizer name known here");
    }
}
