package com.mka1.core.export;

import com.mka1.core.safetensors.JsonTree;
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
        Map<String, Object> json;
        try {
            json = JsonTree.parseObject(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<?, ?> model = (Map<?, ?>) json.get("model");
        if (model == null || !"BPE".equals(model.get("type"))) {
            throw new UnsupportedExportException(file + ": tokenizer model " + (model == null ? null : model.get("type"))
                    + " has no GGUF export (BPE has)");
        }
        Map<?, ?> vocab = (Map<?, ?>) model.get("vocab");
        String[] tokens = new String[vocabSize];
        for (var e : vocab.entrySet()) {
            int id = ((Number) e.getValue()).intValue();
            if (id < vocabSize) tokens[id] = (String) e.getKey();
        }
        Map<String, Boolean> special = new HashMap<>();
        for (Object o : (List<?>) json.getOrDefault("added_tokens", List.of())) {
            Map<?, ?> t = (Map<?, ?>) o;
            int id = ((Number) t.get("id")).intValue();
            if (id < vocabSize) tokens[id] = (String) t.get("content");
            special.put((String) t.get("content"), Boolean.TRUE.equals(t.get("special")));
        }
        boolean[] padding = new boolean[vocabSize]; // rows of the embedding beyond the tokenizer's vocabulary
        for (int i = 0; i < vocabSize; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]";
                padding[i] = true;
            }
        }
        List<String> merges = merges(model.get("merges"));
        boolean byteLevel = JsonTree.write(json.get("pre_tokenizer")).contains("\"ByteLevel\"");
        int[] types = new int[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            Boolean isSpecial = special.get(tokens[i]);
            types[i] = isSpecial == null ? (!byteLevel && tokens[i].matches("<0x[0-9A-F]{2}>") ? BYTE : NORMAL)
                    : isSpecial ? CONTROL : USER_DEFINED;
            if (tokens[i].equals(model.get("unk_token"))) types[i] = UNKNOWN;
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
        if (model.get("unk_token") instanceof String unk) putId(gguf, "tokenizer.ggml.unknown_token_id", ids.get(unk));
        gguf.put("tokenizer.ggml.add_bos_token", config.addBosToken() != null ? config.addBosToken() : !byteLevel);
        gguf.put("tokenizer.ggml.add_eos_token", Boolean.TRUE.equals(config.addEosToken()));
        if (!byteLevel) gguf.put("tokenizer.ggml.add_space_prefix", addsSpacePrefix(json));
        gguf.put("tokenizer.chat_template", config.chatTemplate());
    }

    /** Whether "▁" goes before the text: a Prepend normalizer (older files) or a Metaspace pre-tokenizer that prepends. */
    private static boolean addsSpacePrefix(Map<String, Object> json) {
        if (JsonTree.write(json.get("normalizer")).contains("\"Prepend\"")) return true;
        String pre = JsonTree.write(json.get("pre_tokenizer"));
        return pre.contains("\"Metaspace\"") && !pre.contains("\"prepend_scheme\":\"never\"")
                && !pre.contains("\"add_prefix_space\":false");
    }

    private static void putId(GgufWriter gguf, String key, Integer id) {
        if (id != null) gguf.putUint(key, id);
    }

    /** "a b" strings whether tokenizer.json holds them as strings or as pairs. */
    private static List<String> merges(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object m : list) out.add(m instanceof List<?> pair ? pair.get(0) + " " + pair.get(1) : (String) m);
        }
        return out;
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
    private static String preTokenizer(Map<String, Object> json, Path file) {
        String pre = JsonTree.write(json.get("pre_tokenizer"));
        if (pre.startsWith("{\"type\":\"ByteLevel\"") && pre.contains("\"use_regex\":true")) return "gpt-2";
        if (pre.contains("\\\\p{N}{1,3}") && pre.contains("(?i:'s|'t|'re|'ve|'m|'ll|'d)")) return "llama-bpe";
        if (pre.contains("(?i:'s|'t|'re|'ve|'m|'ll|'d)") && pre.contains("\\\\p{N}|")) return "qwen2";
        if (pre.contains("\"Digits\"") && pre.contains("\"individual_digits\":true")) return "smollm";
        throw new UnsupportedExportException(file + ": pre_tokenizer " + pre + " has no llama.cpp pre-tokenizer name known here");
    }
}
