package com.mka1.core.inference;

/** Why generation ended. */
public enum FinishReason {
    /** An end-of-turn / EOS token or a stop sequence. */
    STOP,
    /** The token limit (max_output_tokens or the context size). */
    LENGTH
}
