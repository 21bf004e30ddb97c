package com.mka1.backend.cpu;

import com.mka1.spi.Bf16;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * {@link Kernels} over heap arrays: each kernel resolves its tensors to arrays and offsets, splits
 * rows (or element ranges) across the device's threads with {@link Parallel}, and runs the inner
 * loops of a {@link FloatOps}.
 */
final class CpuKernels implements Kernels {
    /** Elementwise ranges below this run on the calling thread (forking costs more than it saves). */
    private static final int ELEMENT_GRAIN = 1 << 15;
    /** Floats summed in float before the partial sum is added in double. */
    private static final int SUM_BLOCK = 1024;

    private final CpuDevice owner;
    private final FloatOps ops;
    private final Parallel parallel;
    private final Gemm gemm;
    private final PackedWeights packedWeights;
    private final Attention attention;

    CpuKernels(CpuDevice owner, FloatOps ops, Parallel parallel, PackingClock packingClock, PackedWeights packedWeights,
               boolean splitDepth) {
        this.owner = owner;
        this.ops = ops;
        this.parallel = parallel;
        this.packedWeights = packedWeights;
        this.gemm = new Gemm(ops, parallel, packingClock, packedWeights, splitDepth);
        this.attention = new Attention(ops, parallel);
    }

    // ---- tensor access --------------------------------------------------------------------

    private CpuTensor.F32 f32(Tensor t, String name) {
        if (t instanceof CpuTensor.F32 f && f.device() == owner) {
            packedWeights.written(f.data()); // any kernel may write what it unwraps here
            return f;
        }
        throw new IllegalArgumentException(name + " must be an F32 tensor of this cpu device, got " + describe(t));
    }

    private CpuTensor.I32 i32(Tensor t, String name) {
        if (t instanceof CpuTensor.I32 i && i.device() == owner) return i;
        throw new IllegalArgumentException(name + " must be an I32 tensor of this cpu device, got " + describe(t));
    }

    private Gemm.Operand weight(Tensor t, String name) {
        if (t instanceof CpuTensor.F32 f && f.device() == owner) return new Gemm.Operand(f.data(), null, f.offset());
        if (t instanceof CpuTensor.Bf16 h && h.device() == owner) return new Gemm.Operand(null, h.data(), h.offset());
        throw new IllegalArgumentException(name + " must be an F32 or BF16 tensor of this cpu device, got " + describe(t));
    }

    private String describe(Tensor t) {
        if (t == null) return "null";
        String where = t.device() == owner ? "" : " of another device (" + t.device().backendName() + ")";
        return t.dtype() + " " + java.util.Arrays.toString(t.shape()) + where;
    }

    private static int length(long n) {
        return Math.toIntExact(n);
    }

    // ---- dense algebra ---------------------------------------------------------------------

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k,
                       boolean transA, boolean transB, float alpha, boolean accumulate) {
        CpuTensor.F32 ct = f32(c, "c");
        CpuTensor.F32 at = f32(a, "a");
        gemm.multiply(ct.data(), ct.offset(), at.data(), at.offset(), weight(b, "b"), m, n, k,
                transA, transB, alpha, accumulate);
    }

    @Override
    public void addBias(Tensor out, Tensor bias, int rows, int cols) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 bt = f32(bias, "bias");
        parallel.forRange(rows, Math.max(1, ELEMENT_GRAIN / Math.max(1, cols)), (chunk, start, end) -> {
            for (int r = start; r < end; r++) {
                ops.add(o.data(), o.offset() + r * cols, bt.data(), bt.offset(), o.data(), o.offset() + r * cols, cols);
            }
        });
    }

    @Override
    public void addBiasBackward(Tensor dbias, Tensor dout, int rows, int cols) {
        CpuTensor.F32 db = f32(dbias, "dbias");
        CpuTensor.F32 d = f32(dout, "dout");
        sumRowsInto(db.data(), db.offset(), rows, cols, (partial, r) ->
                ops.axpy(1f, d.data(), d.offset() + r * cols, partial, 0, cols));
    }

    /** Per-row contributions into a {@code cols} vector, with one private partial per thread. */
    private interface RowContribution {
        void addRow(float[] partial, int row);
    }

    private void sumRowsInto(float[] dst, int dstOff, int rows, int cols, RowContribution body) {
        int chunks = parallel.chunks(rows, 8);
        float[][] partials = new float[chunks][];
        parallel.forRange(rows, 8, (chunk, start, end) -> {
            float[] partial = new float[cols];
            for (int r = start; r < end; r++) body.addRow(partial, r);
            partials[chunk] = partial;
        });
        for (float[] partial : partials) {
            if (partial != null) ops.axpy(1f, partial, 0, dst, dstOff, cols);
        }
    }

    // ---- embedding -------------------------------------------------------------------------

    @Override
    public void embeddingForward(Tensor out, Tensor table, Tensor tokens, int n, int dim) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.I32 tok = i32(tokens, "tokens");
        Gemm.Operand tab = weight(table, "table");
        int vocab = length(table.size() / Math.max(1, dim));
        parallel.forRange(n, 64, (chunk, start, end) -> {
            for (int i = start; i < end; i++) {
                int id = tok.data()[tok.offset() + i];
                if (id < 0 || id >= vocab) {
                    throw new IndexOutOfBoundsException("token id " + id + " at position " + i + " outside vocab " + vocab);
                }
                int src = tab.offset() + id * dim;
                int dst = o.offset() + i * dim;
                if (tab.f32() != null) {
                    System.arraycopy(tab.f32(), src, o.data(), dst, dim);
                } else {
                    for (int d = 0; d < dim; d++) o.data()[dst + d] = Bf16.toFloat(tab.bf16()[src + d]);
                }
            }
        });
    }

    @Override
    public void embeddingBackward(Tensor dtable, Tensor dout, Tensor tokens, int n, int dim) {
        CpuTensor.F32 dt = f32(dtable, "dtable");
        CpuTensor.F32 d = f32(dout, "dout");
        CpuTensor.I32 tok = i32(tokens, "tokens");
        // Split by columns: repeated tokens then never race on the same element.
        parallel.forRange(dim, 64, (chunk, start, end) -> {
            for (int i = 0; i < n; i++) {
                int id = tok.data()[tok.offset() + i];
                ops.axpy(1f, d.data(), d.offset() + i * dim + start, dt.data(), dt.offset() + id * dim + start, end - start);
            }
        });
    }

    // ---- normalisation ---------------------------------------------------------------------

    @Override
    public void rmsnormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int n, int dim, float eps) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 xt = f32(x, "x");
        CpuTensor.F32 w = f32(weight, "weight");
        CpuTensor.F32 rs = rstd == null ? null : f32(rstd, "rstd");
        parallel.forRange(n, 16, (chunk, start, end) -> {
            for (int i = start; i < end; i++) {
                int row = i * dim;
                float meanSquare = ops.sumOfSquares(xt.data(), xt.offset() + row, dim) / dim;
                float r = (float) (1.0 / Math.sqrt(meanSquare + eps));
                if (rs != null) rs.data()[rs.offset() + i] = r;
                ops.mulScaled(xt.data(), xt.offset() + row, w.data(), w.offset(), r, o.data(), o.offset() + row, dim);
            }
        });
    }

    @Override
    public void rmsnormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                int n, int dim) {
        CpuTensor.F32 dxt = f32(dx, "dx");
        CpuTensor.F32 d = f32(dout, "dout");
        CpuTensor.F32 xt = f32(x, "x");
        CpuTensor.F32 w = f32(weight, "weight");
        CpuTensor.F32 rs = f32(rstd, "rstd");
        RowContribution row = (partial, i) -> {
            int off = i * dim;
            float r = rs.data()[rs.offset() + i];
            float dot = ops.dot3(d.data(), d.offset() + off, w.data(), w.offset(), xt.data(), xt.offset() + off, dim);
            float coef = dot * r * r * r / dim;
            ops.rmsnormBackwardRow(dxt.data(), dxt.offset() + off, d.data(), d.offset() + off, w.data(), w.offset(),
                    xt.data(), xt.offset() + off, r, coef, dim);
            if (partial != null) ops.mulAccumulate(d.data(), d.offset() + off, xt.data(), xt.offset() + off, r, partial, 0, dim);
        };
        if (dweight == null) {
            parallel.forRange(n, 16, (chunk, start, end) -> {
                for (int i = start; i < end; i++) row.addRow(null, i);
            });
        } else {
            CpuTensor.F32 dw = f32(dweight, "dweight");
            sumRowsInto(dw.data(), dw.offset(), n, dim, row);
        }
    }

    // ---- rotary position embedding ---------------------------------------------------------

    @Override
    public void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, int rotaryDim,
                     float attentionFactor, boolean inverse) {
        if (rotaryDim <= 0 || rotaryDim % 2 != 0 || rotaryDim > headDim) {
            throw new IllegalArgumentException("rope: rotaryDim " + rotaryDim + " must be even and within headDim " + headDim);
        }
        CpuTensor.F32 xt = f32(x, "x");
        CpuTensor.I32 pos = i32(positions, "positions");
        CpuTensor.F32 freq = f32(invFreq, "invFreq");
        int half = rotaryDim / 2;
        parallel.forRange(n, 16, (chunk, start, end) -> {
            float[] cos = new float[half];
            float[] sin = new float[half];
            for (int t = start; t < end; t++) {
                int p = pos.data()[pos.offset() + t];
                for (int i = 0; i < half; i++) {
                    float angle = p * freq.data()[freq.offset() + i];
                    cos[i] = attentionFactor * (float) Math.cos(angle);
                    sin[i] = attentionFactor * (inverse ? -(float) Math.sin(angle) : (float) Math.sin(angle));
                }
                float[] data = xt.data();
                for (int h = 0; h < heads; h++) {
                    int base = xt.offset() + (t * heads + h) * headDim;
                    for (int i = 0; i < half; i++) {
                        float x0 = data[base + i];
                        float x1 = data[base + i + half];
                        data[base + i] = x0 * cos[i] - x1 * sin[i];
                        data[base + i + half] = x1 * cos[i] + x0 * sin[i];
                    }
                }
            }
        });
    }

    // ---- attention -------------------------------------------------------------------------

    @Override
    public void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart,
                                 int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale,
                                 float softcap) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 l = lse == null ? null : f32(lse, "lse");
        CpuTensor.F32 qt = f32(q, "q");
        CpuTensor.F32 kt = f32(k, "k");
        CpuTensor.F32 vt = f32(v, "v");
        CpuTensor.I32 seg = i32(segStart, "segStart");
        attention.forward(o.data(), o.offset(), l == null ? null : l.data(), l == null ? 0 : l.offset(),
                qt.data(), qt.offset(), kt.data(), kt.offset(), vt.data(), vt.offset(), seg.data(), seg.offset(),
                new Attention.Shape(batch, qLen, kvLen, heads, kvHeads, headDim, scale, softcap));
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse,
                                  Tensor q, Tensor k, Tensor v, Tensor segStart,
                                  int batch, int seqLen, int heads, int kvHeads, int headDim, float scale,
                                  float softcap) {
        CpuTensor.F32 dqt = f32(dq, "dq");
        CpuTensor.F32 dkt = f32(dk, "dk");
        CpuTensor.F32 dvt = f32(dv, "dv");
        CpuTensor.F32 d = f32(dout, "dout");
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 l = f32(lse, "lse");
        CpuTensor.F32 qt = f32(q, "q");
        CpuTensor.F32 kt = f32(k, "k");
        CpuTensor.F32 vt = f32(v, "v");
        CpuTensor.I32 seg = i32(segStart, "segStart");
        attention.backward(dqt.data(), dqt.offset(), dkt.data(), dkt.offset(), dvt.data(), dvt.offset(),
                d.data(), d.offset(), o.data(), o.offset(), l.data(), l.offset(), qt.data(), qt.offset(),
                kt.data(), kt.offset(), vt.data(), vt.offset(), seg.data(), seg.offset(),
                new Attention.Shape(batch, seqLen, seqLen, heads, kvHeads, headDim, scale, softcap));
    }

    // ---- MLP -------------------------------------------------------------------------------

    @Override
    public void swigluForward(Tensor out, Tensor gate, Tensor up, long n) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 g = f32(gate, "gate");
        CpuTensor.F32 u = f32(up, "up");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.swigluForward(
                o.data(), o.offset() + start, g.data(), g.offset() + start, u.data(), u.offset() + start, end - start));
    }

    @Override
    public void swigluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        CpuTensor.F32 dg = f32(dgate, "dgate");
        CpuTensor.F32 du = f32(dup, "dup");
        CpuTensor.F32 d = f32(dout, "dout");
        CpuTensor.F32 g = f32(gate, "gate");
        CpuTensor.F32 u = f32(up, "up");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.swigluBackward(
                dg.data(), dg.offset() + start, du.data(), du.offset() + start, d.data(), d.offset() + start,
                g.data(), g.offset() + start, u.data(), u.offset() + start, end - start));
    }

    @Override
    public void gegluForward(Tensor out, Tensor gate, Tensor up, long n) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 g = f32(gate, "gate");
        CpuTensor.F32 u = f32(up, "up");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.gegluForward(
                o.data(), o.offset() + start, g.data(), g.offset() + start, u.data(), u.offset() + start, end - start));
    }

    @Override
    public void gegluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        CpuTensor.F32 dg = f32(dgate, "dgate");
        CpuTensor.F32 du = f32(dup, "dup");
        CpuTensor.F32 d = f32(dout, "dout");
        CpuTensor.F32 g = f32(gate, "gate");
        CpuTensor.F32 u = f32(up, "up");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.gegluBackward(
                dg.data(), dg.offset() + start, du.data(), du.offset() + start, d.data(), d.offset() + start,
                g.data(), g.offset() + start, u.data(), u.offset() + start, end - start));
    }

    @Override
    public void softcap(Tensor x, float cap, long n) {
        CpuTensor.F32 t = f32(x, "x");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.softcap(t.data(), t.offset() + start, cap, end - start));
    }

    // ---- loss ------------------------------------------------------------------------------

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor losses, Tensor correct, Tensor targets,
                                    int n, int vocab, float gradScale, boolean computeGradient) {
        CpuTensor.F32 lg = f32(logits, "logits");
        CpuTensor.F32 ls = f32(losses, "losses");
        CpuTensor.F32 cr = correct == null ? null : f32(correct, "correct");
        CpuTensor.I32 tg = i32(targets, "targets");
        float[] x = lg.data();
        parallel.forRange(n, 1, (chunk, start, end) -> {
            for (int i = start; i < end; i++) {
                int row = lg.offset() + i * vocab;
                int target = tg.data()[tg.offset() + i];
                if (target < 0) {
                    ls.data()[ls.offset() + i] = 0f;
                    if (cr != null) cr.data()[cr.offset() + i] = 0f;
                    if (computeGradient) ops.fill(x, row, 0f, vocab);
                    continue;
                }
                if (target >= vocab) {
                    throw new IndexOutOfBoundsException("target " + target + " at row " + i + " outside vocab " + vocab);
                }
                float max = ops.max(x, row, vocab);
                float sumExp = ops.expSum(x, row, vocab, max);
                float logSumExp = max + (float) Math.log(sumExp);
                ls.data()[ls.offset() + i] = logSumExp - x[row + target];
                if (cr != null) cr.data()[cr.offset() + i] = isFirstMax(x, row, target, max) ? 1f : 0f;
                if (computeGradient) {
                    ops.expScale(x, row, vocab, max, gradScale / sumExp);
                    x[row + target] -= gradScale;
                }
            }
        });
    }

    private static boolean isFirstMax(float[] x, int row, int target, float max) {
        if (x[row + target] != max) return false;
        for (int j = 0; j < target; j++) {
            if (x[row + j] == max) return false;
        }
        return true;
    }

    // ---- elementwise and reductions --------------------------------------------------------

    @Override
    public void add(Tensor out, Tensor a, Tensor b, long n) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 at = f32(a, "a");
        CpuTensor.F32 bt = f32(b, "b");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.add(at.data(), at.offset() + start,
                bt.data(), bt.offset() + start, o.data(), o.offset() + start, end - start));
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b, long n) {
        CpuTensor.F32 o = f32(out, "out");
        CpuTensor.F32 at = f32(a, "a");
        CpuTensor.F32 bt = f32(b, "b");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.mul(at.data(), at.offset() + start,
                bt.data(), bt.offset() + start, o.data(), o.offset() + start, end - start));
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x, long n) {
        CpuTensor.F32 yt = f32(y, "y");
        CpuTensor.F32 xt = f32(x, "x");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) ->
                ops.axpy(alpha, xt.data(), xt.offset() + start, yt.data(), yt.offset() + start, end - start));
    }

    @Override
    public void scale(Tensor x, float alpha, long n) {
        CpuTensor.F32 xt = f32(x, "x");
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) ->
                ops.scale(xt.data(), xt.offset() + start, alpha, end - start));
    }

    @Override
    public void fill(Tensor x, float value, long n) {
        CpuTensor.F32 xt = f32(x, "x");
        ops.fill(xt.data(), xt.offset(), value, length(n));
    }

    @Override
    public double sumOfSquares(Tensor x, long n) {
        CpuTensor.F32 xt = f32(x, "x");
        return blockedSum(xt, length(n), true);
    }

    @Override
    public double sum(Tensor x, long n) {
        CpuTensor.F32 xt = f32(x, "x");
        return blockedSum(xt, length(n), false);
    }

    /** Float sums over blocks of {@link #SUM_BLOCK}, added in double: vector speed, double-sized error. */
    private double blockedSum(CpuTensor.F32 x, int n, boolean squares) {
        int blocks = (n + SUM_BLOCK - 1) / SUM_BLOCK;
        double[] partials = new double[parallel.chunks(blocks, 32)];
        parallel.forRange(blocks, 32, (chunk, start, end) -> {
            double total = 0;
            for (int blk = start; blk < end; blk++) {
                int from = blk * SUM_BLOCK;
                int len = Math.min(SUM_BLOCK, n - from);
                total += squares ? ops.sumOfSquares(x.data(), x.offset() + from, len)
                        : ops.sum(x.data(), x.offset() + from, len);
            }
            partials[chunk] = total;
        });
        double sum = 0;
        for (double p : partials) sum += p;
        return sum;
    }

    // ---- optimizer -------------------------------------------------------------------------

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, long n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        if (step < 1) throw new IllegalArgumentException("adamw step starts at 1, got " + step);
        CpuTensor.F32 p = f32(param, "param");
        CpuTensor.F32 g = f32(grad, "grad");
        CpuTensor.F32 mt = f32(m, "m");
        CpuTensor.F32 vt = f32(v, "v");
        float c1 = (float) (1.0 / (1.0 - Math.pow(beta1, step)));
        float c2 = (float) (1.0 / (1.0 - Math.pow(beta2, step)));
        parallel.forRange(length(n), ELEMENT_GRAIN, (chunk, start, end) -> ops.adamw(
                p.data(), p.offset() + start, g.data(), g.offset() + start, mt.data(), mt.offset() + start,
                vt.data(), vt.offset() + start, end - start, lr, beta1, beta2, eps, weightDecay, c1, c2));
    }
}
