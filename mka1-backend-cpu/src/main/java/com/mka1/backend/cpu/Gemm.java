package com.mka1.backend.cpu;

import com.mka1.spi.Bf16;

/**
 * Blocked matrix multiply {@code C = (accumulate ? C : 0) + alpha * op(A) op(B)} in the GotoBLAS
 * style: panels of A ({@code rows x KC}) and B ({@code KC x cols}) are packed contiguous
 * (which also absorbs the transposes and widens BF16), then {@link FloatOps#matmulTile} runs a
 * register tile over them. Threads split one output dimension ({@link #splitColumns}), each packing
 * its own panels. Decoding rows and few-column products skip packing for dot products.
 */
final class Gemm {
    /** Depth of a packed panel: an A micro-panel (8 x 256 floats) and a B micro-panel (48 x 256) stay in L1. */
    private static final int KC = 256;
    /**
     * Most rows of A packed at once (ranges are split into equal blocks up to this size). Only an
     * A micro-panel needs L1; the block lives in L3, and a large block packs B fewer times.
     */
    private static final int MC = 1536;
    /** Most columns of B packed at once: a 256 x 768 float block (768 KiB) stays in L2. */
    private static final int NC = 768;
    /** A B multiplied by at most this many rows, of at least {@link #REUSE_ELEMENTS}, is kept packed ({@link #packedWhole}). */
    static final int REUSE_ROWS = 256;
    static final int REUSE_ELEMENTS = 1 << 20;
    /** Least depth per thread when the depth is split ({@link #split}). */
    private static final int DEPTH_GRAIN = 128;
    /**
     * Least multiply-adds for a depth split: its partials and their sum cost a second fork-join,
     * which small products (a prefill's {@code 128 x 288 x 288}) do not repay.
     */
    static final long DEPTH_MIN_WORK = 1L << 25;

    private final FloatOps ops;
    private final MicroKernel tile;
    private final Parallel parallel;
    private final int mr;
    private final int nr;
    private final PackingClock clock;
    private final PackedWeights packedWeights;
    private final boolean splitDepth;

    Gemm(FloatOps ops, Parallel parallel, PackingClock clock, PackedWeights packedWeights, boolean splitDepth) {
        this.splitDepth = splitDepth;
        this.ops = ops;
        this.parallel = parallel;
        this.clock = clock;
        this.packedWeights = packedWeights;
        this.tile = ops.matmulTile();
        this.mr = tile.rows();
        this.nr = tile.cols();
    }

    /** Operand B: F32 or BF16 storage starting at {@code offset}. */
    record Operand(float[] f32, short[] bf16, int offset) {}

    void multiply(float[] c, int co, float[] a, int ao, Operand b, int m, int n, int k,
                  boolean transA, boolean transB, float alpha, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) ops.fill(c, co, 0f, m * n);
            return;
        }
        if (transB && !transA && m < mr) {
            rowsTimesTransposed(c, co, a, ao, b, m, n, k, alpha, accumulate);
            return;
        }
        if (!transA && 2 * n < nr) {
            fewColumns(c, co, a, ao, b, m, n, k, transB, alpha, accumulate);
            return;
        }
        if (transA && 2 * n < nr && m >= nr && b.f32() != null) {
            transposedProduct(c, co, a, ao, b, m, n, k, transB, alpha, accumulate);
            return;
        }
        float[] packedB = packedWhole(b, m, n, k, transB);
        switch (split(m, n, k, b.bf16() != null && packedB == null, packedB != null)) {
            case COLUMNS -> parallel.forRange(ceilDiv(n, nr), 1, (chunk, start, end) -> block(c, co, a, ao, b, packedB,
                    m, n, k, transA, transB, alpha, accumulate, 0, m, start * nr, Math.min(n, end * nr), 0, k));
            case ROWS -> parallel.forRange(ceilDiv(m, mr), 1, (chunk, start, end) -> block(c, co, a, ao, b, packedB,
                    m, n, k, transA, transB, alpha, accumulate, start * mr, Math.min(m, end * mr), 0, n, 0, k));
            case DEPTH -> splitDepth(c, co, a, ao, b, packedB, m, n, k, transA, transB, alpha, accumulate);
        }
    }

    /** How threads share a product: each computes a range of C's rows, of its columns, or of the depth (partial sums added after). */
    enum Split { ROWS, COLUMNS, DEPTH }

    /**
     * Rows or columns as {@link #splitColumns} decides, or the depth when that packs clearly fewer
     * elements per thread (by a fifth): a row split has every thread pack all of op(B), a column
     * split all of op(A); a depth split packs a share of each and adds an {@code m x n} partial per
     * extra thread. That wins for few outputs over a long depth: the LM head's input gradient when
     * its weight is not kept packed ({@code 128 x 288 x 32000} NN, where both threads packed the
     * whole 37 MB weight per 128-row chunk) and the weight gradients over a batch of tokens
     * ({@code 288 x 288 x 2048} TN).
     */
    Split split(int m, int n, int k, boolean bf16B, boolean bPacked) {
        int rowPanels = ceilDiv(m, mr), colPanels = ceilDiv(n, nr);
        boolean columns = splitColumns(bf16B, rowPanels, colPanels);
        int t = parallel.threads();
        Split rowsOrColumns = columns ? Split.COLUMNS : Split.ROWS;
        if (!splitDepth || t == 1 || bPacked || k < 2 * DEPTH_GRAIN || (long) m * n * k < DEPTH_MIN_WORK) {
            return rowsOrColumns;
        }
        long aElems = (long) m * k, bElems = (long) k * n * ceilDiv(m, MC); // B is packed once per MC rows
        long perThread = columns ? aElems + bElems / t : aElems / t + (long) k * n * ceilDiv(ceilDiv(m, t), MC);
        long depth = (aElems + bElems) / t + (long) m * n * (t - 1) / t;
        return 5 * depth < 4 * perThread ? Split.DEPTH : rowsOrColumns;
    }

    /**
     * Threads take equal ranges of the depth (at least {@link #DEPTH_GRAIN} each): the first
     * accumulates into C as asked, the others into zeroed partials that are then added to C, rows
     * split across threads.
     */
    private void splitDepth(float[] c, int co, float[] a, int ao, Operand b, float[] packedB, int m, int n, int k,
                            boolean transA, boolean transB, float alpha, boolean accumulate) {
        float[][] partials = new float[parallel.threads()][];
        int chunks = parallel.forRange(k, DEPTH_GRAIN, (chunk, pStart, pEnd) -> {
            if (chunk == 0) {
                block(c, co, a, ao, b, packedB, m, n, k, transA, transB, alpha, accumulate, 0, m, 0, n, pStart, pEnd);
            } else {
                partials[chunk] = new float[m * n];
                block(partials[chunk], 0, a, ao, b, packedB, m, n, k, transA, transB, alpha, false, 0, m, 0, n,
                        pStart, pEnd);
            }
        });
        parallel.forRange(m, Math.max(1, 4096 / n), (chunk, start, end) -> {
            int rowsLength = (end - start) * n;
            for (int t = 1; t < chunks; t++) {
                ops.add(c, co + start * n, partials[t], start * n, c, co + start * n, rowsLength);
            }
        });
    }

    /**
     * B packed whole and kept across calls ({@link PackedWeights}) when that pays and the budget
     * allows: a frozen BF16 weight in the forward ({@code x W^T}), or a large B multiplied by few
     * rows (the LM head's weight over 128-row chunks: packing it per call cost as much as a tenth
     * of the product); null otherwise. Layout: depth blocks of {@code KC} one after the other, each
     * the {@code nr}-column panels of every column, so block {@code pc}, column {@code j} (a panel
     * start) is at {@code pc * nPadded + j * kc}.
     */
    private float[] packedWhole(Operand b, int m, int n, int k, boolean transB) {
        boolean frozenForward = transB && b.bf16() != null;
        boolean fewRows = m <= REUSE_ROWS && (long) n * k >= REUSE_ELEMENTS;
        if (!frozenForward && !fewRows) return null;
        int nPadded = roundUp(n, nr);
        Object array = b.f32() != null ? b.f32() : b.bf16();
        return packedWeights.get(array, b.offset(), n, k, transB, k * nPadded, into ->
                parallel.forRange(ceilDiv(n, nr), 1, (chunk, start, end) -> {
                    float[] widened = new float[16 * Math.min(KC, k)];
                    int jc = start * nr, nc = Math.min(n, end * nr) - jc;
                    for (int pc = 0; pc < k; pc += KC) {
                        int kc = Math.min(KC, k - pc);
                        packB(into, pc * nPadded + jc * kc, b, n, k, transB, jc, nc, pc, kc, widened);
                    }
                }));
    }

    /**
     * Whether threads split the columns (each packs its share of B and all of A) rather than the rows
     * (its share of A and all of B). The larger panel count is split, except for a BF16 B (a frozen
     * weight, larger than the caches and streamed from memory): then columns, whenever each thread
     * gets two panels, so each thread reads and widens only its share of it (measured +3% LoRA
     * training tokens/s for the forward's transposed B, +4% more for the backward's; the same rule
     * for F32 operands measured 5-10% slower).
     */
    private boolean splitColumns(boolean bf16, int rowPanels, int colPanels) {
        if (bf16 && colPanels >= 2 * parallel.threads()) return true;
        return colPanels >= rowPanels;
    }

    /** Few rows against a transposed B (decoding: x · W^T): dot products along contiguous rows of B. */
    private void rowsTimesTransposed(float[] c, int co, float[] a, int ao, Operand b, int m, int n, int k,
                                     float alpha, boolean accumulate) {
        parallel.forRange(n, 64, (chunk, start, end) -> {
            for (int j = start; j < end; j++) {
                int bo = b.offset() + j * k;
                for (int i = 0; i < m; i++) {
                    float d = b.f32() != null ? ops.dot(a, ao + i * k, b.f32(), bo, k)
                            : ops.dotBf16(a, ao + i * k, b.bf16(), bo, k);
                    int ci = co + i * n + j;
                    c[ci] = accumulate ? c[ci] + alpha * d : alpha * d;
                }
            }
        });
    }

    /**
     * Few output columns (LoRA's rank-r products {@code x A^T} and {@code dY B}): a packed A would cost
     * as much as a full-width product and the tile would compute mostly padding, so each output is a
     * dot product of a row of A (contiguous) with a column of op(B), laid out contiguous first when B
     * is not already stored that way. Threads split the rows.
     */
    private void fewColumns(float[] c, int co, float[] a, int ao, Operand b, int m, int n, int k, boolean transB,
                            float alpha, boolean accumulate) {
        Operand columns = b;
        if (!transB || b.f32() == null) { // op(B)^T as F32 [n, k]; n * k is small next to m * k
            long packStart = clock.start();
            float[] t = new float[n * k];
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    int src = b.offset() + (transB ? j * k + p : p * n + j);
                    t[j * k + p] = b.f32() != null ? b.f32()[src] : Bf16.toFloat(b.bf16()[src]);
                }
            }
            columns = new Operand(t, null, 0);
            clock.stop(packStart);
        }
        float[] bt = columns.f32();
        int bo = columns.offset();
        parallel.forRange(m, 8, (chunk, start, end) -> {
            for (int i = start; i < end; i++) {
                for (int j = 0; j < n; j++) {
                    float d = ops.dot(a, ao + i * k, bt, bo + j * k, k);
                    int ci = co + i * n + j;
                    c[ci] = accumulate ? c[ci] + alpha * d : alpha * d;
                }
            }
        });
    }

    /**
     * Few output columns with a transposed A (LoRA's {@code dB += dY^T h}: {@code out x r} over the
     * tokens), where the tile would compute {@code nr - n} columns of padding: computed as
     * {@code C^T = op(B)^T op(A)^T} ({@code r x out}, full tiles) and added transposed into C.
     */
    private void transposedProduct(float[] c, int co, float[] a, int ao, Operand b, int m, int n, int k,
                                   boolean transB, float alpha, boolean accumulate) {
        float[] t = new float[n * m];
        multiply(t, 0, b.f32(), b.offset(), new Operand(a, null, ao), n, m, k, !transB, false, alpha, false);
        parallel.forRange(m, Math.max(1, 4096 / n), (chunk, start, end) -> {
            for (int i = start; i < end; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = co + i * n + j;
                    c[ci] = accumulate ? c[ci] + t[j * m + i] : t[j * m + i];
                }
            }
        });
    }

    /**
     * Rows {@code [rowStart, rowEnd)} x columns {@code [colStart, colEnd)} of C over the depth
     * {@code [depthStart, depthEnd)}; {@code packedB}, when given (then over the whole depth),
     * replaces packing B.
     */
    private void block(float[] c, int co, float[] a, int ao, Operand b, float[] packedB, int m, int n, int k,
                       boolean transA, boolean transB, float alpha, boolean accumulate,
                       int rowStart, int rowEnd, int colStart, int colEnd, int depthStart, int depthEnd) {
        int mcBlock = evenBlock(rowEnd - rowStart, MC, mr);
        int ncBlock = evenBlock(colEnd - colStart, NC, nr);
        int kcBlock = Math.min(KC, depthEnd - depthStart);
        float[] ap = new float[mcBlock * kcBlock];
        float[] bp = packedB != null ? packedB : new float[ncBlock * kcBlock];
        int nPadded = roundUp(n, nr);
        float[] edge = new float[mr * nr];
        float[] widened = transB && b.bf16() != null && packedB == null ? new float[16 * kcBlock] : null;
        for (int ic = rowStart; ic < rowEnd; ic += mcBlock) {
            int mc = Math.min(mcBlock, rowEnd - ic);
            for (int pc = depthStart; pc < depthEnd; pc += KC) {
                int kc = Math.min(KC, depthEnd - pc);
                long packStart = clock.start();
                packA(ap, a, ao, m, k, transA, ic, mc, pc, kc);
                clock.stop(packStart);
                boolean overwrite = pc == depthStart && !accumulate;
                for (int jc = colStart; jc < colEnd; jc += ncBlock) {
                    int nc = Math.min(ncBlock, colEnd - jc);
                    int bpBase = 0;
                    if (packedB != null) {
                        bpBase = pc * nPadded + jc * kc;
                    } else {
                        packStart = clock.start();
                        packB(bp, 0, b, n, k, transB, jc, nc, pc, kc, widened);
                        clock.stop(packStart);
                    }
                    for (int ir = 0; ir < mc; ir += mr) {
                        int rows = Math.min(mr, mc - ir);
                        int apOff = ir * kc;
                        for (int jr = 0; jr < nc; jr += nr) {
                            int cols = Math.min(nr, nc - jr);
                            int bpOff = bpBase + jr * kc;
                            int cOff = co + (ic + ir) * n + jc + jr;
                            if (rows == mr && cols == nr) {
                                tile.run(kc, ap, apOff, bp, bpOff, c, cOff, n, alpha, overwrite);
                            } else {
                                tile.run(kc, ap, apOff, bp, bpOff, edge, 0, nr, alpha, true);
                                for (int r = 0; r < rows; r++) {
                                    for (int q = 0; q < cols; q++) {
                                        int ci = cOff + r * n + q;
                                        c[ci] = overwrite ? edge[r * nr + q] : c[ci] + edge[r * nr + q];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Packs rows {@code [ic, ic+mc)} x depth {@code [pc, pc+kc)} of op(A) into panels of {@code mr} rows, zero-padded. */
    private void packA(float[] ap, float[] a, int ao, int m, int k, boolean transA, int ic, int mc, int pc, int kc) {
        int ir = 0;
        if (!transA && mr == 8) { // two panels at a time through the 16-row transpose
            for (; ir + 16 <= mc; ir += 16) ops.transpose16(a, ao + (ic + ir) * k + pc, k, kc, ap, ir * kc, 8, 8, 8 * kc);
        }
        for (; ir < mc; ir += mr) {
            int base = ir * kc;
            int rows = Math.min(mr, mc - ir);
            if (transA) { // A stored [k, m]: a panel's rows at one depth are one contiguous run
                for (int p = 0; p < kc; p++) {
                    int src = ao + (pc + p) * m + ic + ir;
                    int dst = base + p * mr;
                    for (int r = 0; r < rows; r++) ap[dst + r] = a[src + r];
                    for (int r = rows; r < mr; r++) ap[dst + r] = 0f;
                }
            } else { // A stored [m, k]: each row is contiguous along the depth
                for (int r = 0; r < mr; r++) {
                    int src = ao + (ic + ir + r) * k + pc;
                    if (r < rows) {
                        for (int p = 0; p < kc; p++) ap[base + p * mr + r] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) ap[base + p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs depth {@code [pc, pc+kc)} x columns {@code [jc, jc+nc)} of op(B) into panels of {@code nr}
     * columns from {@code bp[bpo]}, zero-padded. {@code widened} is scratch for 16 BF16 rows ({@code 16 x KC} floats).
     */
    private void packB(float[] bp, int bpo, Operand b, int n, int k, boolean transB, int jc, int nc, int pc, int kc,
                       float[] widened) {
        float[] f = b.f32();
        short[] h = b.bf16();
        int bo = b.offset();
        for (int jr = 0; jr < nc; jr += nr) {
            int base = bpo + jr * kc;
            int cols = Math.min(nr, nc - jr);
            if (!transB) { // B stored [k, n]: the nr values of one depth are contiguous
                for (int p = 0; p < kc; p++) {
                    int src = bo + (pc + p) * n + jc + jr;
                    int dst = base + p * nr;
                    if (f != null) {
                        System.arraycopy(f, src, bp, dst, cols);
                    } else {
                        ops.widenBf16(h, src, bp, dst, cols);
                    }
                    for (int q = cols; q < nr; q++) bp[dst + q] = 0f;
                }
                continue;
            }
            // B stored [n, k]: each column of op(B) is a contiguous row; 16 at a time through the
            // register transpose (BF16 rows widened first), the rest one by one.
            int q = 0;
            if (nr % 16 == 0) {
                for (; q + 16 <= cols; q += 16) {
                    int src = bo + (jc + jr + q) * k + pc;
                    if (f != null) {
                        ops.transpose16(f, src, k, kc, bp, base + q, nr, 16, 0);
                    } else {
                        for (int r = 0; r < 16; r++) ops.widenBf16(h, src + r * k, widened, r * kc, kc);
                        ops.transpose16(widened, 0, kc, kc, bp, base + q, nr, 16, 0);
                    }
                }
            }
            for (; q < nr; q++) {
                if (q < cols) {
                    int src = bo + (jc + jr + q) * k + pc;
                    if (f != null) {
                        for (int p = 0; p < kc; p++) bp[base + p * nr + q] = f[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) bp[base + p * nr + q] = Bf16.toFloat(h[src + p]);
                    }
                } else {
                    for (int p = 0; p < kc; p++) bp[base + p * nr + q] = 0f;
                }
            }
        }
    }

    /** The size of equal blocks, a multiple of {@code unit} and at most {@code max} (when possible), covering {@code length}. */
    private static int evenBlock(int length, int max, int unit) {
        int blocks = ceilDiv(length, max);
        return roundUp(ceilDiv(length, blocks), unit);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }
}
