package com.mka1.core.model;

/**
 * {@code batch} rows of {@code seqLen} tokens, each row holding one or more whole examples back
 * to back (then padding). All arrays have {@code batch * seqLen} entries.
 *
 * @param tokens    input ids (padding: any valid id, e.g. EOS)
 * @param targets   the id to predict at each position, or -1 where no loss is taken
 *                  (non-assistant tokens, the last token of each example, padding)
 * @param positions position of each token inside its own example (RoPE), starting at 0
 * @param segStart  row-local index of the first token of each token's example (attention never
 *                  looks before it)
 */
public record PackedBatch(int batch, int seqLen, int[] tokens, int[] targets, int[] positions, int[] segStart) {
    public PackedBatch {
        int n = batch * seqLen;
        if (tokens.length != n || targets.length != n || positions.length != n || segStart.length != n) {
            throw new IllegalArgumentException("packed batch arrays must have batch*seqLen = " + n + " entries");
        }
    }

    /** Number of positions that carry a loss. */
    public int targetCount() {
        int c = 0;
        for (int t : targets) if (t >= 0) c++;
        return c;
    }
}
