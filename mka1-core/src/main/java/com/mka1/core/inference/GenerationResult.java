package com.mka1.core.inference;

/**
 * A finished generation.
 *
 * @param promptTokens  tokens fed to the model
 * @param outputIds     generated ids, including a final stop token when there was one
 * @param text          decoded output, without stop tokens or stop sequences
 * @param finishReason  why it ended
 */
public record GenerationResult(int promptTokens, int[] outputIds, String text, FinishReason finishReason) {}
