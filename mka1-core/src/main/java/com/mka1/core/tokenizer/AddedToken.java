package com.mka1.core.tokenizer;

/**
 * An entry of tokenizer.json's {@code added_tokens}: matched in the raw text before anything else
 * and never split. {@code lstrip}/{@code rstrip} absorb the whitespace on that side;
 * {@code singleWord} only matches between non-word characters.
 */
record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {}
