package com.mka1.backend.cpu;

/**
 * Causal grouped-query attention, fused and tiled: a block of {@code rows} queries of one
 * head is scored against the keys it may see with the matmul micro-kernel ({@code S = Q K^T}),
 * softmaxed in place, and folded into the output with the micro-kernel again ({@code O = P V}).
 * Only a {@code rows x kvLen} score strip exists at a time, never a {@code T x T} matrix.
 * Backward recomputes {@code P} from the saved log-sum-exp (the FlashAttention recipe), gets
 * {@code dP = dO V^T}, {@code dQ += dS K}, {@code dK += dS^T Q} and {@code dV += P^T dO} from the
 * micro-kernel; key/value gradients go to per-head private buffers that are reduced per kv head
 * at the end, so threads never write the same element.
 */
final class Attention {
    /**
     * Query blocks whose score strips backward keeps together, so the key and value gradients are
     * products of depth {@code GROUP * rows} instead of one block's few rows (each product loads and
     * stores a whole tile); the strips stay {@code GROUP * rows x kvLen}, never {@code T x T}.
     */
    private static final int GROUP = 8;

    private final FloatOps ops;
    /** Each thread's key scores for {@link #fewQueries}, grown to the longest cache seen. */
    private final ThreadLocal<float[]> rowScores = ThreadLocal.withInitial(() -> new float[0]);
    private final MicroKernel kernel;
    private final Parallel parallel;
    private final int mr;
    private final int nr;

    Attention(FloatOps ops, Parallel parallel) {
        this.ops = ops;
        this.parallel = parallel;
        this.kernel = ops.attentionTile();
        this.mr = kernel.rows();
        this.nr = kernel.cols();
    }

    /** Geometry of one call. */
    /** {@code softcap > 0} soft-caps every scaled score to {@code softcap * tanh(s / softcap)}. */
    record Shape(int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale, float softcap) {
        int qStride() {
            return heads * headDim;
        }

        int kvStride() {
            return kvHeads * headDim;
        }

        int kvHeadOf(int head) {
            return head / (heads / kvHeads);
        }
    }

    /** Keys or values of one (row, kv head), packed for the micro-kernel. */
    private final class Panels {
        /** {@code [tile][e * nr + c] = x[tile*nr + c][e]}: x transposed, as the B side of {@code Q x^T}. */
        final float[] transposed;
        /** {@code [colPanel][j * nr + c] = x[j][colPanel*nr + c]}: x as the B side of {@code P x}. */
        final float[] rows;
        final int kvLen;
        final int hd;

        Panels(float[] x, int xo, int b, int kvh, Shape s, boolean needTransposed, boolean needRows) {
            kvLen = s.kvLen();
            hd = s.headDim();
            int tiles = ceilDiv(kvLen, nr);
            int colPanels = ceilDiv(hd, nr);
            transposed = needTransposed ? new float[tiles * hd * nr] : null;
            rows = needRows ? new float[colPanels * kvLen * nr] : null;
            int first = xo + b * kvLen * s.kvStride() + kvh * hd;
            if (transposed != null) {
                int j = 0;
                if (nr % 16 == 0) { // 16 keys at a time through the register transpose, inside one tile
                    for (; j + 16 <= kvLen; j += 16) {
                        ops.transpose16(x, first + j * s.kvStride(), s.kvStride(), hd, transposed,
                                (j / nr) * hd * nr + j % nr, nr, 16, 0);
                    }
                }
                for (; j < kvLen; j++) {
                    int src = first + j * s.kvStride();
                    int base = (j / nr) * hd * nr + j % nr;
                    for (int e = 0; e < hd; e++) transposed[base + e * nr] = x[src + e];
                }
            }
            if (rows != null) { // zero padding past hd comes with the new array
                for (int j = 0; j < kvLen; j++) {
                    int src = first + j * s.kvStride();
                    for (int cp = 0; cp < colPanels; cp++) {
                        System.arraycopy(x, src + cp * nr, rows, cp * kvLen * nr + j * nr, Math.min(nr, hd - cp * nr));
                    }
                }
            }
        }

        int transposedOffset(int tile) {
            return tile * hd * nr;
        }

        int rowsOffset(int colPanel, int firstKey) {
            return colPanel * kvLen * nr + firstKey * nr;
        }
    }

    /** Scratch of one worker: score strips, packed operands and an output tile. */
    private final class Scratch {
        final int ld;
        final float[] scores;
        final float[] grads;
        final float[] packedRows;
        final float[] packedStrip;
        final float[] tile = new float[mr * nr];
        final float[] rowScale = new float[mr];
        final float[] queryPanels;
        final float[] doutPanels;

        Scratch(Shape s) {
            ld = ceilDiv(s.kvLen(), nr) * nr;
            queryPanels = new float[ceilDiv(s.headDim(), nr) * GROUP * mr * nr];
            doutPanels = new float[ceilDiv(s.headDim(), nr) * GROUP * mr * nr];
            scores = new float[GROUP * mr * ld];
            grads = new float[GROUP * mr * ld];
            packedRows = new float[Math.max(s.headDim(), GROUP * mr) * mr];
            packedStrip = new float[ld * mr];
        }
    }

    /** The queries {@code [i0, i0+rows)} of one head: their visible key range and per-row bounds. */
    private record Block(int i0, int rows, int[] first, int[] last, int kFirst, int kLast) {}

    private Block block(int[] seg, int so, Shape s, int b, int i0) {
        int rows = Math.min(mr, s.qLen() - i0);
        int[] first = new int[mr];
        int[] last = new int[mr];
        int kFirst = Integer.MAX_VALUE;
        int kLast = 0;
        for (int r = 0; r < rows; r++) {
            int row = b * s.qLen() + i0 + r;
            last[r] = s.kvLen() - s.qLen() + i0 + r;
            first[r] = Math.max(0, seg[so + row]);
            kFirst = Math.min(kFirst, first[r]);
            kLast = Math.max(kLast, last[r]);
        }
        return new Block(i0, rows, first, last, Math.min(kFirst, kLast), kLast);
    }

    /** Packs {@code rows} head vectors starting at query row {@code row0} as the A side ({@code [e*mr + r]}). */
    private void packQueries(float[] dst, float[] x, int xo, Shape s, int row0, int rows, int head) {
        int hd = s.headDim();
        for (int r = 0; r < mr; r++) {
            int src = xo + (row0 + r) * s.qStride() + head * hd;
            for (int e = 0; e < hd; e++) dst[e * mr + r] = r < rows ? x[src + e] : 0f;
        }
    }

    /** {@code strip[r][j] = alpha * q_r . x_j} over the key tiles that cover {@code [kFirst, kLast]}. */
    private void scoreStrip(float[] strip, int stripOff, int ld, float[] packedQ, Panels keys, Block blk, float alpha) {
        for (int t = blk.kFirst() / nr; t <= blk.kLast() / nr; t++) {
            kernel.run(keys.hd, packedQ, 0, keys.transposed, keys.transposedOffset(t), strip, stripOff + t * nr, ld,
                    alpha, true);
        }
    }

    /** Packs strip columns {@code [kFirst, kLast]} as the A side of a product over keys ({@code [j*mr + r]}). */
    private void packStrip(float[] dst, float[] strip, int stripOff, int ld, Block blk) {
        int count = blk.kLast() - blk.kFirst() + 1;
        for (int j = 0; j < count; j++) {
            for (int r = 0; r < mr; r++) dst[j * mr + r] = strip[stripOff + r * ld + blk.kFirst() + j];
        }
    }

    /** {@code tile[r][c] = sum_j strip[r][j] * x_j[cp*nr + c]} for one column panel. */
    private void stripTimesRows(Scratch sc, Panels x, Block blk, int colPanel) {
        int count = blk.kLast() - blk.kFirst() + 1;
        kernel.run(count, sc.packedStrip, 0, x.rows, x.rowsOffset(colPanel, blk.kFirst()), sc.tile, 0, nr, 1f, true);
    }

    /**
     * Packs {@code depth} query rows' head vectors (those past {@code rows} as zeros) as the B side of a
     * product over queries: {@code [cp][p * nr + c] = x[row0+p][cp*nr + c]}.
     */
    private void packRowPanels(float[] dst, float[] x, int xo, Shape s, int row0, int rows, int depth, int head) {
        int hd = s.headDim();
        for (int cp = 0; cp * nr < hd; cp++) {
            for (int p = 0; p < depth; p++) {
                int src = xo + (row0 + p) * s.qStride() + head * hd + cp * nr;
                int cols = p < rows ? Math.min(nr, hd - cp * nr) : 0;
                int base = cp * depth * nr + p * nr;
                for (int c = 0; c < nr; c++) dst[base + c] = c < cols ? x[src + c] : 0f;
            }
        }
    }

    /**
     * {@code acc[j][:] += sum_p strip[p][j] * rows_p[:]} for the keys {@code j} in {@code [kFirst, kLast]},
     * using tiles of {@code mr} keys (A side: the strip transposed, depth = the group's queries).
     */
    private void stripTransposedTimesRows(Scratch sc, float[] strip, float[] rowPanels, int kFirst, int kLast,
                                          int depth, float[] acc, int accOff, int hd) {
        for (int j0 = kFirst; j0 <= kLast; j0 += mr) {
            int keys = Math.min(mr, kLast - j0 + 1);
            for (int p = 0; p < depth; p++) {
                for (int r = 0; r < mr; r++) sc.packedRows[p * mr + r] = r < keys ? strip[p * sc.ld + j0 + r] : 0f;
            }
            for (int cp = 0; cp * nr < hd; cp++) {
                kernel.run(depth, sc.packedRows, 0, rowPanels, cp * depth * nr, sc.tile, 0, nr, 1f, true);
                int cols = Math.min(nr, hd - cp * nr);
                for (int r = 0; r < keys; r++) ops.axpy(1f, sc.tile, r * nr, acc, accOff + (j0 + r) * hd + cp * nr, cols);
            }
        }
    }

    void forward(float[] out, int oo, float[] lse, int lo, float[] q, int qo, float[] k, int ko,
                 float[] v, int vo, int[] seg, int so, Shape s) {
        if (s.qLen() < mr) {
            fewQueries(out, oo, lse, lo, q, qo, k, ko, v, vo, seg, so, s);
            return;
        }
        int hd = s.headDim();
        parallel.forRange(s.batch() * s.heads(), 1, (chunk, start, end) -> {
            Scratch sc = new Scratch(s);
            Panels keys = null;
            Panels values = null;
            int packedFor = -1; // the (row, kv head) the panels hold: heads of one GQA group share them
            for (int task = start; task < end; task++) {
                int b = task / s.heads();
                int h = task % s.heads();
                int kvh = s.kvHeadOf(h);
                if (b * s.kvHeads() + kvh != packedFor) {
                    keys = new Panels(k, ko, b, kvh, s, true, false);
                    values = new Panels(v, vo, b, kvh, s, false, true);
                    packedFor = b * s.kvHeads() + kvh;
                }
                for (int i0 = 0; i0 < s.qLen(); i0 += mr) {
                    Block blk = block(seg, so, s, b, i0);
                    int row0 = b * s.qLen() + i0;
                    packQueries(sc.packedRows, q, qo, s, row0, blk.rows(), h);
                    scoreStrip(sc.scores, 0, sc.ld, sc.packedRows, keys, blk, s.scale());
                    for (int r = 0; r < mr; r++) {
                        int base = r * sc.ld;
                        if (r >= blk.rows() || blk.first()[r] > blk.last()[r]) {
                            ops.fill(sc.scores, base + blk.kFirst(), 0f, blk.kLast() - blk.kFirst() + 1);
                            sc.rowScale[r] = 0f;
                            if (r < blk.rows() && lse != null) lse[lo + (row0 + r) * s.heads() + h] = Float.NEGATIVE_INFINITY;
                            continue;
                        }
                        int first = blk.first()[r];
                        int count = blk.last()[r] - first + 1;
                        if (s.softcap() > 0) ops.softcap(sc.scores, base + first, s.softcap(), count);
                        float max = ops.max(sc.scores, base + first, count);
                        ops.expScale(sc.scores, base + first, count, max, 1f);
                        float sum = ops.sum(sc.scores, base + first, count);
                        ops.fill(sc.scores, base + blk.kFirst(), 0f, first - blk.kFirst());
                        ops.fill(sc.scores, base + blk.last()[r] + 1, 0f, blk.kLast() - blk.last()[r]);
                        sc.rowScale[r] = 1f / sum;
                        if (lse != null) lse[lo + (row0 + r) * s.heads() + h] = max + (float) Math.log(sum);
                    }
                    packStrip(sc.packedStrip, sc.scores, 0, sc.ld, blk);
                    for (int cp = 0; cp * nr < hd; cp++) {
                        stripTimesRows(sc, values, blk, cp);
                        int cols = Math.min(nr, hd - cp * nr);
                        for (int r = 0; r < blk.rows(); r++) {
                            int dst = oo + (row0 + r) * s.qStride() + h * hd + cp * nr;
                            for (int c = 0; c < cols; c++) out[dst + c] = sc.tile[r * nr + c] * sc.rowScale[r];
                        }
                    }
                }
            }
        });
    }

    /**
     * Fewer queries than a tile has rows (decoding one token against its cache): a dot product along
     * each stored key row and an axpy of each value row, so every token reads the cache once, with no
     * packed panels, and allocates nothing (the scores live in {@link #rowScores}).
     */
    private void fewQueries(float[] out, int oo, float[] lse, int lo, float[] q, int qo, float[] k, int ko,
                            float[] v, int vo, int[] seg, int so, Shape s) {
        int hd = s.headDim();
        parallel.forRange(s.batch() * s.heads(), 1, (chunk, start, end) -> {
            float[] scores = rowScores.get();
            if (scores.length < s.kvLen()) {
                scores = new float[s.kvLen()];
                rowScores.set(scores);
            }
            for (int task = start; task < end; task++) {
                int b = task / s.heads();
                int h = task % s.heads();
                int kv0 = b * s.kvLen() * s.kvStride() + s.kvHeadOf(h) * hd;
                for (int i = 0; i < s.qLen(); i++) {
                    int row = b * s.qLen() + i;
                    int at = row * s.qStride() + h * hd;
                    int first = Math.max(0, seg[so + row]);
                    int last = s.kvLen() - s.qLen() + i;
                    ops.fill(out, oo + at, 0f, hd);
                    if (first > last) {
                        if (lse != null) lse[lo + row * s.heads() + h] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    int count = last - first + 1;
                    for (int j = 0; j < count; j++) {
                        scores[j] = s.scale() * ops.dot(q, qo + at, k, ko + kv0 + (first + j) * s.kvStride(), hd);
                    }
                    if (s.softcap() > 0) ops.softcap(scores, 0, s.softcap(), count);
                    float max = ops.max(scores, 0, count);
                    ops.expScale(scores, 0, count, max, 1f);
                    float sum = ops.sum(scores, 0, count);
                    float inv = 1f / sum;
                    for (int j = 0; j < count; j++) {
                        ops.axpy(scores[j] * inv, v, vo + kv0 + (first + j) * s.kvStride(), out, oo + at, hd);
                    }
                    if (lse != null) lse[lo + row * s.heads() + h] = max + (float) Math.log(sum);
                }
            }
        });
    }

    void backward(float[] dq, int dqo, float[] dk, int dko, float[] dv, int dvo, float[] dout, int doo,
                  float[] out, int oo, float[] lse, int lo, float[] q, int qo, float[] k, int ko,
                  float[] v, int vo, int[] seg, int so, Shape s) {
        int hd = s.headDim();
        int seqLen = s.qLen();
        int headBlock = seqLen * hd;
        int tasks = s.batch() * s.heads();
        float[] dkHeads = new float[tasks * headBlock];
        float[] dvHeads = new float[tasks * headBlock];
        parallel.forRange(tasks, 1, (chunk, start, end) -> {
            Scratch sc = new Scratch(s);
            Panels keys = null;
            Panels values = null;
            int packedFor = -1; // the (row, kv head) the panels hold: heads of one GQA group share them
            for (int task = start; task < end; task++) {
                int b = task / s.heads();
                int h = task % s.heads();
                int kvh = s.kvHeadOf(h);
                int local = task * headBlock;
                if (b * s.kvHeads() + kvh != packedFor) {
                    keys = new Panels(k, ko, b, kvh, s, true, true);
                    values = new Panels(v, vo, b, kvh, s, true, false);
                    packedFor = b * s.kvHeads() + kvh;
                }
                for (int g0 = 0; g0 < seqLen; g0 += GROUP * mr) {
                    int blocks = Math.min(GROUP, ceilDiv(seqLen - g0, mr));
                    Block[] blks = new Block[blocks];
                    int gFirst = Integer.MAX_VALUE;
                    int gLast = 0;
                    for (int g = 0; g < blocks; g++) {
                        blks[g] = block(seg, so, s, b, g0 + g * mr);
                        gFirst = Math.min(gFirst, blks[g].kFirst());
                        gLast = Math.max(gLast, blks[g].kLast());
                    }
                    for (int g = 0; g < blocks; g++) {
                        backwardBlock(sc, blks[g], g * mr * sc.ld, gFirst, gLast, dq, dqo, dout, doo, out, oo, lse, lo,
                                q, qo, keys, values, b, h, s);
                    }
                    // dK += dS^T Q and dV += P^T dO over the group's queries, into this head's private buffers
                    int depth = blocks * mr;
                    int rows = Math.min(depth, seqLen - g0);
                    packRowPanels(sc.queryPanels, q, qo, s, b * seqLen + g0, rows, depth, h);
                    packRowPanels(sc.doutPanels, dout, doo, s, b * seqLen + g0, rows, depth, h);
                    stripTransposedTimesRows(sc, sc.grads, sc.queryPanels, gFirst, gLast, depth, dkHeads, local, hd);
                    stripTransposedTimesRows(sc, sc.scores, sc.doutPanels, gFirst, gLast, depth, dvHeads, local, hd);
                }
            }
        });
        int group = s.heads() / s.kvHeads();
        parallel.forRange(s.batch() * s.kvHeads(), 1, (chunk, start, end) -> {
            for (int task = start; task < end; task++) {
                int b = task / s.kvHeads();
                int kvh = task % s.kvHeads();
                for (int g = 0; g < group; g++) {
                    int local = (b * s.heads() + kvh * group + g) * headBlock;
                    for (int j = 0; j < seqLen; j++) {
                        int dst = (b * seqLen + j) * s.kvStride() + kvh * hd;
                        ops.axpy(1f, dkHeads, local + j * hd, dk, dko + dst, hd);
                        ops.axpy(1f, dvHeads, local + j * hd, dv, dvo + dst, hd);
                    }
                }
            }
        });
    }

    /**
     * One query block of backward: recomputes {@code P} (into the group's score strip at {@code stripOff})
     * and {@code dS} (grad strip), zero outside each row's visible keys across the group's key range
     * {@code [gFirst, gLast]}, and adds {@code dQ += dS K}.
     */
    private void backwardBlock(Scratch sc, Block blk, int stripOff, int gFirst, int gLast, float[] dq, int dqo,
                               float[] dout, int doo, float[] out, int oo, float[] lse, int lo, float[] q, int qo,
                               Panels keys, Panels values, int b, int h, Shape s) {
        int hd = s.headDim();
        int row0 = b * s.qLen() + blk.i0();
        packQueries(sc.packedRows, q, qo, s, row0, blk.rows(), h);
        scoreStrip(sc.scores, stripOff, sc.ld, sc.packedRows, keys, blk, s.scale());
        packQueries(sc.packedRows, dout, doo, s, row0, blk.rows(), h);
        scoreStrip(sc.grads, stripOff, sc.ld, sc.packedRows, values, blk, 1f);
        for (int r = 0; r < mr; r++) {
            int base = stripOff + r * sc.ld;
            if (r >= blk.rows() || blk.first()[r] > blk.last()[r]) {
                ops.fill(sc.scores, base + gFirst, 0f, gLast - gFirst + 1);
                ops.fill(sc.grads, base + gFirst, 0f, gLast - gFirst + 1);
                continue;
            }
            int row = row0 + r;
            int first = blk.first()[r];
            int visible = blk.last()[r] - first + 1;
            float rowLse = lse[lo + row * s.heads() + h];
            float delta = ops.dot(dout, doo + row * s.qStride() + h * hd, out, oo + row * s.qStride() + h * hd, hd);
            if (s.softcap() > 0) {
                // S = c tanh(raw / c): dRaw = dS (1 - (S/c)^2), folded into (dP - delta) before S becomes P
                ops.softcap(sc.scores, base + first, s.softcap(), visible);
                float inv = 1f / s.softcap();
                for (int j = first; j <= blk.last()[r]; j++) {
                    float t = sc.scores[base + j] * inv;
                    sc.grads[base + j] = (sc.grads[base + j] - delta) * (1f - t * t);
                }
                ops.expScale(sc.scores, base + first, visible, rowLse, 1f);
                for (int j = first; j <= blk.last()[r]; j++) {
                    sc.grads[base + j] = sc.scores[base + j] * sc.grads[base + j] * s.scale();
                }
            } else {
                ops.expScale(sc.scores, base + first, visible, rowLse, 1f); // P = exp(S - lse)
                for (int j = first; j <= blk.last()[r]; j++) {
                    sc.grads[base + j] = sc.scores[base + j] * (sc.grads[base + j] - delta) * s.scale();
                }
            }
            ops.fill(sc.scores, base + gFirst, 0f, first - gFirst);
            ops.fill(sc.grads, base + gFirst, 0f, first - gFirst);
            ops.fill(sc.scores, base + blk.last()[r] + 1, 0f, gLast - blk.last()[r]);
            ops.fill(sc.grads, base + blk.last()[r] + 1, 0f, gLast - blk.last()[r]);
        }
        packStrip(sc.packedStrip, sc.grads, stripOff, sc.ld, blk);
        for (int cp = 0; cp * nr < hd; cp++) {
            stripTimesRows(sc, keys, blk, cp);
            int cols = Math.min(nr, hd - cp * nr);
            for (int r = 0; r < blk.rows(); r++) {
                int dst = dqo + (row0 + r) * s.qStride() + h * hd + cp * nr;
                ops.axpy(1f, sc.tile, r * nr, dq, dst, cols);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
