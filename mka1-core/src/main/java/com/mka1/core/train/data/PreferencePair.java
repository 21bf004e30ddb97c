package com.mka1.core.train.data;

/** A DPO example as two tokenized conversations sharing a prompt; only the replies carry loss. */
public record PreferencePair(TokenizedExample chosen, TokenizedExample rejected, int line) {}
