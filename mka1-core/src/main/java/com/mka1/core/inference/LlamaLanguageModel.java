package com.mka1.core.inference;

import com.mka1.core.model.KvCache;
import com.mka1.core.model.LlamaModel;
import java.util.Arrays;

/** A {@link LlamaModel} as generation sees it: each session is one {@link KvCache}. */
public final class LlamaLanguageModel implements CausalLanguageModel {
    private final LlamaModel model;

    public LlamaLanguageModel(LlamaModel model) {
        this.model = model;
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public int contextLength() {
        return model.config().maxPositions();
    }

    @Override
    public DecodeSession openSession(int capacity) {
        KvCache cache = model.newKvCache(capacity);
        int vocab = vocabSize();
        return new DecodeSession() {
            @Override
            public float[] append(int[] tokens) {
                float[] logits = model.forwardWithCache(tokens, cache);
                return Arrays.copyOfRange(logits, logits.length - vocab, logits.length);
            }

            @Override
            public int length() {
                return cache.length();
            }

            @Override
            public void close() {
                cache.close();
            }
        };
    }
}
