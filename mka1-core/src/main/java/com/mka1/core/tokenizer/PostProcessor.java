package com.mka1.core.tokenizer;

import java.util.List;
import java.util.stream.IntStream;

/** The post-processors of tokenizer.json this implementation supports: ids added around an encoded text. */
sealed interface PostProcessor {

    /** Ids put before the text's ids. */
    int[] prefix();

    /** Ids put after the text's ids. */
    int[] suffix();

    /** {@code TemplateProcessing} (single-sequence template): e.g. [BOS] A for Llama. */
    record Template(int[] prefix, int[] suffix) implements PostProcessor {}

    /** {@code ByteLevel} (offset trimming only) and anything else that adds no ids. */
    record None() implements PostProcessor {
        @Override
        public int[] prefix() {
            return new int[0];
        }

        @Override
        public int[] suffix() {
            return new int[0];
        }
    }

    /** {@code Sequence}: the processors' additions, nested in order. */
    record Sequence(List<PostProcessor> processors) implements PostProcessor {
        @Override
        public int[] prefix() {
            return processors.reversed().stream().flatMapToInt(p -> IntStream.of(p.prefix())).toArray();
        }

        @Override
        public int[] suffix() {
            return processors.stream().flatMapToInt(p -> IntStream.of(p.suffix())).toArray();
        }
    }
}
