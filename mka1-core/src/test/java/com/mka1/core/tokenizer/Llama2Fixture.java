package com.mka1.core.tokenizer;

import com.mka1.core.testing.SharedDir;

/** The real Llama 2 tokenizer from ../shared, loaded once for all tests (it is immutable). */
final class Llama2Fixture {
    private static final class Holder {
        static final BpeTokenizer TOKENIZER = Tokenizers.load(SharedDir.resolve("tokenizers/llama2"));
    }

    private Llama2Fixture() {}

    static BpeTokenizer tokenizer() {
        return Holder.TOKENIZER;
    }
}
