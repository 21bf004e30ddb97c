package com.mka1.core.train.data;

import com.mka1.core.model.PackedBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns packed rows into {@link PackedBatch}es of at most {@code rowsPerBatch} rows. A batch is as
 * long as its longest row (never longer than the packer's row length): padding beyond it would
 * only cost compute, since attention is causal and padding carries no loss.
 */
public final class BatchBuilder {
    private final int rowsPerBatch;
    private final int padId;

    public BatchBuilder(int rowsPerBatch, int padId) {
        if (rowsPerBatch < 1) throw new IllegalArgumentException("rows per batch must be >= 1, got " + rowsPerBatch);
        this.rowsPerBatch = rowsPerBatch;
        this.padId = padId;
    }

    public int rowsPerBatch() {
        return rowsPerBatch;
    }

    /** Splits rows into consecutive batches of {@code rowsPerBatch} rows (the last may be smaller). */
    public List<PackedBatch> build(List<List<TokenizedExample>> rows) {
        List<PackedBatch> batches = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += rowsPerBatch) {
            batches.add(batchOf(rows.subList(from, Math.min(rows.size(), from + rowsPerBatch))));
        }
        return batches;
    }

    /** One batch holding exactly these rows. */
    public PackedBatch batchOf(List<List<TokenizedExample>> rows) {
        int seqLen = 1;
        for (List<TokenizedExample> row : rows) seqLen = Math.max(seqLen, rowLength(row));
        int n = rows.size() * seqLen;
        int[] tokens = new int[n];
        int[] targets = new int[n];
        int[] positions = new int[n];
        int[] segStart = new int[n];
        for (int r = 0; r < rows.size(); r++) {
            int base = r * seqLen;
            int at = 0;
            for (TokenizedExample e : rows.get(r)) {
                for (int i = 0; i < e.length(); i++) {
                    tokens[base + at + i] = e.ids()[i];
                    targets[base + at + i] = e.targetAt(i);
                    positions[base + at + i] = i;
                    segStart[base + at + i] = at;
                }
                at += e.length();
            }
            // Padding forms its own segment so it never attends to real tokens.
            for (int i = at; i < seqLen; i++) {
                tokens[base + i] = padId;
                targets[base + i] = -1;
                positions[base + i] = i - at;
                segStart[base + i] = at;
            }
        }
        return new PackedBatch(rows.size(), seqLen, tokens, targets, positions, segStart);
    }

    private static int rowLength(List<TokenizedExample> row) {
        int len = 0;
        for (TokenizedExample e : row) len += e.length();
        return len;
    }
}
