package com.mka1.core.tokenizer;

/** Text to token ids and back, as a model's {@code tokenizer.json} defines it. Thread-safe. */
public interface Tokenizer {
    /** Encodes text; {@code addSpecialTokens} adds what the post-processor adds (BOS for Llama). */
    int[] encode(String text, boolean addSpecialTokens);

    /** Decodes ids; {@code skipSpecialTokens} drops special tokens such as BOS/EOS. */
    String decode(int[] ids, boolean skipSpecialTokens);

    int vocabSize();

    /**
     * The bytes token {@code id} adds to decoded text when other tokens precede it (so a SentencePiece
     * "▁" is a space even where a first token's would be dropped); a byte-fallback or byte-level
     * token is its raw byte, even when that is part of a multi-byte character. Empty for special
     * tokens, which decode to no text. Constrained decoding builds its token masks from these.
     */
    byte[] tokenBytes(int id);

    /** The id of a token string (e.g. "&lt;|im_end|&gt;"), or -1 when absent. */
    int tokenId(String token);

    /** BOS id or -1. */
    int bosId();

    /** EOS id or -1. */
    int eosId();
}
