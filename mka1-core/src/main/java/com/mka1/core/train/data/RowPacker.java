package com.mka1.core.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs whole examples into rows of at most {@code rowLength} tokens, first fit in the given
 * order: each example goes into the first row with room for it, or opens a new row.
 */
public final class RowPacker {
    private final int rowLength;

    public RowPacker(int rowLength) {
        if (rowLength < 2) throw new IllegalArgumentException("row length must be >= 2, got " + rowLength);
        this.rowLength = rowLength;
    }

    public int rowLength() {
        return rowLength;
    }

    /** Rows of examples, in the order rows were opened. Every example must fit a row. */
    public List<List<TokenizedExample>> pack(List<TokenizedExample> examples) {
        List<List<TokenizedExample>> rows = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        for (TokenizedExample e : examples) {
            if (e.length() > rowLength) {
                throw new IllegalArgumentException("line " + e.line() + ": example of " + e.length()
                        + " tokens does not fit a row of " + rowLength);
            }
            int row = 0;
            while (row < rows.size() && used.get(row) + e.length() > rowLength) row++;
            if (row == rows.size()) {
                rows.add(new ArrayList<>());
                used.add(0);
            }
            rows.get(row).add(e);
            used.set(row, used.get(row) + e.length());
        }
        return rows;
    }
}
