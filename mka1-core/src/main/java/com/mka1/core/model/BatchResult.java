package com.mka1.core.model;

/**
 * Loss sums over the loss-carrying tokens of a batch: mean loss is {@code lossSum / tokens},
 * accuracy {@code correct / tokens}.
 */
public record BatchResult(double lossSum, long correct, long tokens) {
    public static final BatchResult EMPTY = new BatchResult(0, 0, 0);

    public BatchResult plus(BatchResult o) {
        return new BatchResult(lossSum + o.lossSum, correct + o.correct, tokens + o.tokens);
    }

    public double meanLoss() {
        return tokens == 0 ? Double.NaN : lossSum / tokens;
    }

    public double accuracy() {
        return tokens == 0 ? Double.NaN : (double) correct / tokens;
    }
}
