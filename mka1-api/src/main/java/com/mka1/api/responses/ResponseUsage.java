package com.mka1.api.responses;

/**
 * Token counts of a response. {@code total_tokens} is input plus output.
 *
 * @param inputTokens     prompt tokens after the chat template
 * @param cachedTokens    prompt tokens served from a prefix cache (0: no prefix cache yet)
 * @param outputTokens    generated tokens, including a stop token
 * @param reasoningTokens always 0 (no reasoning models)
 */
public record ResponseUsage(int inputTokens, int cachedTokens, int outputTokens, int reasoningTokens) {
    public static ResponseUsage of(int inputTokens, int outputTokens) {
        return new ResponseUsage(inputTokens, 0, outputTokens, 0);
    }

    public int totalTokens() {
        return inputTokens + outputTokens;
    }
}
