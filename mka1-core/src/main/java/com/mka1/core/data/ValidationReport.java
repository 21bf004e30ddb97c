package com.mka1.core.data;

/**
 * What validation learned about a file.
 *
 * @param examples          number of examples
 * @param estimatedTokens   tokens of all examples (by the validator's {@link TokenCounter})
 * @param longestExample    tokens of the longest example
 */
public record ValidationReport(int examples, long estimatedTokens, int longestExample) {}
