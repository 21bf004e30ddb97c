package com.mka1.core.compute;

import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * The kernels of {@link ReferenceDevice}: each one the textbook loop, computed in double, with
 * bounds checked against the shapes passed. Semantics are exactly those documented on
 * {@link Kernels}.
 */
final class ReferenceKernels implements Kernels {
    private final ReferenceDevice device;

    ReferenceKernels(ReferenceDevice device) {
        this.device = device;
    }

    /** A tensor's backing array and the index of its first element. */
    private record Buf(double[] a, int o) {
        double get(long i) {
            return a[o + (int) i];
        }

        void set(long i, double v) {
            a[o + (int) i] = v;
        }

        void add(long i, double v) {
            a[o + (int) i] += v;
        }

        int idx(long i) {
            return (int) get(i);
        }
    }

    private Buf buf(Tensor t, long needed, String name) {
        ReferenceTensor r = device.own(t);
        if (r.size() < needed) {
            throw new IllegalArgumentException(name + " holds " + r.size() + " elements, the call needs " + needed);
        }
        return new Buf(r.data(), r.offset());
    }

    // ---- dense algebra -------------------------------------------------------------------

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k,
                       boolean transA, boolean transB, float alpha, boolean accumulate) {
        Buf C = buf(c, (long) m * n, "C"), A = buf(a, (long) m * k, "A"), B = buf(b, (long) k * n, "B");
        double[] ca = C.a(), aa = A.a(), ba = B.a();
        // element (i,p) of op(A) is aa[aRow*i + aCol*p], element (p,j) of op(B) is ba[bRow*p + bCol*j]
        int aRow = transA ? 1 : k, aCol = transA ? m : 1, bRow = transB ? 1 : n, bCol = transB ? k : 1;
        for (int i = 0; i < m; i++) {
            int aBase = A.o() + aRow * i;
            for (int j = 0; j < n; j++) {
                int ai = aBase, bi = B.o() + bCol * j;
                double s = 0;
                for (int p = 0; p < k; p++, ai += aCol, bi += bRow) s += aa[ai] * ba[bi];
                int at = C.o() + i * n + j;
                ca[at] = (accumulate ? ca[at] : 0) + alpha * s;
            }
        }
    }

    @Override
    public void addBias(Tensor out, Tensor bias, int rows, int cols) {
        Buf O = buf(out, (long) rows * cols, "out"), B = buf(bias, cols, "bias");
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) O.add((long) r * cols + c, B.get(c));
    }

    @Override
    public void addBiasBackward(Tensor dbias, Tensor dout, int rows, int cols) {
        Buf DB = buf(dbias, cols, "dbias"), DO = buf(dout, (long) rows * cols, "dout");
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) DB.add(c, DO.get((long) r * cols + c));
    }

    // ---- embedding -----------------------------------------------------------------------

    @Override
    public void embeddingForward(Tensor out, Tensor table, Tensor tokens, int n, int dim) {
        Buf O = buf(out, (long) n * dim, "out"), W = buf(table, 0, "table"), T = buf(tokens, n, "tokens");
        long rows = table.size() / dim;
        for (int i = 0; i < n; i++) {
            int tok = T.idx(i);
            if (tok < 0 || tok >= rows) throw new IndexOutOfBoundsException("token " + tok + " outside vocab " + rows);
            for (int j = 0; j < dim; j++) O.set((long) i * dim + j, W.get((long) tok * dim + j));
        }
    }

    @Override
    public void embeddingBackward(Tensor dtable, Tensor dout, Tensor tokens, int n, int dim) {
        Buf DW = buf(dtable, 0, "dtable"), DO = buf(dout, (long) n * dim, "dout"), T = buf(tokens, n, "tokens");
        for (int i = 0; i < n; i++) {
            int tok = T.idx(i);
            for (int j = 0; j < dim; j++) DW.add((long) tok * dim + j, DO.get((long) i * dim + j));
        }
    }

    // ---- normalisation -------------------------------------------------------------------

    @Override
    public void rmsnormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int n, int dim, float eps) {
        Buf O = buf(out, (long) n * dim, "out"), X = buf(x, (long) n * dim, "x"), W = buf(weight, dim, "weight");
        Buf R = rstd == null ? null : buf(rstd, n, "rstd");
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int j = 0; j < dim; j++) {
                double v = X.get((long) i * dim + j);
                ss += v * v;
            }
            double r = 1.0 / Math.sqrt(ss / dim + eps);
            if (R != null) R.set(i, r);
            for (int j = 0; j < dim; j++) O.set((long) i * dim + j, X.get((long) i * dim + j) * r * W.get(j));
        }
    }

    @Override
    public void rmsnormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                int n, int dim) {
        Buf DX = buf(dx, (long) n * dim, "dx"), DO = buf(dout, (long) n * dim, "dout"), X = buf(x, (long) n * dim, "x");
        Buf W = buf(weight, dim, "weight"), R = buf(rstd, n, "rstd");
        Buf DW = dweight == null ? null : buf(dweight, dim, "dweight");
        for (int i = 0; i < n; i++) {
            double r = R.get(i);
            // y_j = x_j r w_j; dx_j = r w_j g_j - x_j r^3/dim * sum_k(g_k w_k x_k)
            double dot = 0;
            for (int j = 0; j < dim; j++) {
                long at = (long) i * dim + j;
                dot += DO.get(at) * W.get(j) * X.get(at);
            }
            for (int j = 0; j < dim; j++) {
                long at = (long) i * dim + j;
                double g = DO.get(at);
                DX.add(at, r * W.get(j) * g - X.get(at) * r * r * r * dot / dim);
                if (DW != null) DW.add(j, g * X.get(at) * r);
            }
        }
    }

    // ---- rotary position embedding -------------------------------------------------------

    @Override
    public void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, int rotaryDim,
                     float attentionFactor, boolean inverse) {
        checkRotaryDim(headDim, rotaryDim);
        Buf X = buf(x, (long) n * heads * headDim, "x"), P = buf(positions, n, "positions");
        Buf F = buf(invFreq, rotaryDim / 2, "invFreq");
        int half = rotaryDim / 2;
        for (int t = 0; t < n; t++) {
            float pos = P.idx(t);
            for (int i = 0; i < half; i++) {
                float angle = pos * (float) F.get(i); // in float, as the SPI specifies
                double cos = attentionFactor * Math.cos(angle), sin = attentionFactor * (inverse ? -Math.sin(angle) : Math.sin(angle));
                for (int h = 0; h < heads; h++) {
                    long base = ((long) t * heads + h) * headDim;
                    double a = X.get(base + i), b = X.get(base + i + half);
                    X.set(base + i, a * cos - b * sin);
                    X.set(base + i + half, b * cos + a * sin);
                }
            }
        }
    }

    private static void checkRotaryDim(int headDim, int rotaryDim) {
        if (rotaryDim <= 0 || rotaryDim % 2 != 0 || rotaryDim > headDim) {
            throw new IllegalArgumentException("rope: rotaryDim " + rotaryDim + " must be even and within headDim " + headDim);
        }
    }

    // ---- attention -----------------------------------------------------------------------

    @Override
    public void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart,
                                 int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale,
                                 float softcap) {
        int qDim = heads * headDim, kvDim = kvHeads * headDim, group = heads / kvHeads;
        Buf O = buf(out, (long) batch * qLen * qDim, "out"), Q = buf(q, (long) batch * qLen * qDim, "q");
        Buf K = buf(k, (long) batch * kvLen * kvDim, "k"), V = buf(v, (long) batch * kvLen * kvDim, "v");
        Buf S = buf(segStart, (long) batch * qLen, "segStart");
        Buf L = lse == null ? null : buf(lse, (long) batch * qLen * heads, "lse");
        double[] scores = new double[kvLen];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < qLen; i++) {
                long row = (long) b * qLen + i;
                int p = kvLen - qLen + i, first = S.idx(row);
                checkSegment(first, p);
                for (int h = 0; h < heads; h++) {
                    long qAt = row * qDim + (long) h * headDim;
                    long kvCol = (long) (h / group) * headDim;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = first; j <= p; j++) {
                        long kAt = ((long) b * kvLen + j) * kvDim + kvCol;
                        double s = 0;
                        for (int d = 0; d < headDim; d++) s += Q.get(qAt + d) * K.get(kAt + d);
                        scores[j] = softcap > 0 ? softcap * Math.tanh(scale * s / softcap) : scale * s;
                        max = Math.max(max, scores[j]);
                    }
                    double z = 0;
                    for (int j = first; j <= p; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        z += scores[j];
                    }
                    for (int d = 0; d < headDim; d++) {
                        double acc = 0;
                        for (int j = first; j <= p; j++) {
                            acc += scores[j] / z * V.get(((long) b * kvLen + j) * kvDim + kvCol + d);
                        }
                        O.set(qAt + d, acc);
                    }
                    if (L != null) L.set(row * heads + h, max + Math.log(z));
                }
            }
        }
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse,
                                  Tensor q, Tensor k, Tensor v, Tensor segStart,
                                  int batch, int seqLen, int heads, int kvHeads, int headDim, float scale,
                                  float softcap) {
        int qDim = heads * headDim, kvDim = kvHeads * headDim, group = heads / kvHeads;
        long nq = (long) batch * seqLen * qDim, nkv = (long) batch * seqLen * kvDim;
        Buf DQ = buf(dq, nq, "dq"), DK = buf(dk, nkv, "dk"), DV = buf(dv, nkv, "dv");
        Buf DO = buf(dout, nq, "dout"), O = buf(out, nq, "out"), L = buf(lse, (long) batch * seqLen * heads, "lse");
        Buf Q = buf(q, nq, "q"), K = buf(k, nkv, "k"), V = buf(v, nkv, "v"), S = buf(segStart, (long) batch * seqLen, "segStart");
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < seqLen; i++) {
                long row = (long) b * seqLen + i;
                int first = S.idx(row);
                checkSegment(first, i);
                for (int h = 0; h < heads; h++) {
                    long qAt = row * qDim + (long) h * headDim;
                    long kvCol = (long) (h / group) * headDim;
                    double lseValue = L.get(row * heads + h);
                    double delta = 0; // sum_j P_j dP_j = dout . out
                    for (int d = 0; d < headDim; d++) delta += DO.get(qAt + d) * O.get(qAt + d);
                    for (int j = first; j <= i; j++) {
                        long kAt = ((long) b * seqLen + j) * kvDim + kvCol;
                        double s = 0, dp = 0;
                        for (int d = 0; d < headDim; d++) {
                            s += Q.get(qAt + d) * K.get(kAt + d);
                            dp += DO.get(qAt + d) * V.get(kAt + d);
                        }
                        double capped = softcap > 0 ? softcap * Math.tanh(scale * s / softcap) : scale * s;
                        double prob = Math.exp(capped - lseValue);
                        // d capped / d (scale s) = 1 - tanh^2
                        double slope = softcap > 0 ? 1 - (capped / softcap) * (capped / softcap) : 1;
                        double ds = prob * (dp - delta) * scale * slope;
                        for (int d = 0; d < headDim; d++) {
                            DQ.add(qAt + d, ds * K.get(kAt + d));
                            DK.add(kAt + d, ds * Q.get(qAt + d));
                            DV.add(kAt + d, prob * DO.get(qAt + d));
                        }
                    }
                }
            }
        }
    }

    private static void checkSegment(int first, int position) {
        if (first < 0 || first > position) {
            throw new IllegalArgumentException("segStart " + first + " must lie in [0, " + position + "]");
        }
    }

    // ---- MLP -----------------------------------------------------------------------------

    @Override
    public void swigluForward(Tensor out, Tensor gate, Tensor up, long n) {
        Buf O = buf(out, n, "out"), G = buf(gate, n, "gate"), U = buf(up, n, "up");
        for (long i = 0; i < n; i++) {
            double g = G.get(i);
            O.set(i, g / (1 + Math.exp(-g)) * U.get(i));
        }
    }

    @Override
    public void swigluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        Buf DG = buf(dgate, n, "dgate"), DU = buf(dup, n, "dup"), DO = buf(dout, n, "dout");
        Buf G = buf(gate, n, "gate"), U = buf(up, n, "up");
        for (long i = 0; i < n; i++) {
            double g = G.get(i), sig = 1 / (1 + Math.exp(-g)), d = DO.get(i);
            DG.add(i, d * U.get(i) * sig * (1 + g * (1 - sig)));
            DU.add(i, d * g * sig);
        }
    }

    private static final double GELU_C = Math.sqrt(2 / Math.PI);

    @Override
    public void gegluForward(Tensor out, Tensor gate, Tensor up, long n) {
        Buf O = buf(out, n, "out"), G = buf(gate, n, "gate"), U = buf(up, n, "up");
        for (long i = 0; i < n; i++) {
            double g = G.get(i);
            O.set(i, 0.5 * g * (1 + Math.tanh(GELU_C * (g + 0.044715 * g * g * g))) * U.get(i));
        }
    }

    @Override
    public void gegluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        Buf DG = buf(dgate, n, "dgate"), DU = buf(dup, n, "dup"), DO = buf(dout, n, "dout");
        Buf G = buf(gate, n, "gate"), U = buf(up, n, "up");
        for (long i = 0; i < n; i++) {
            double g = G.get(i), t = Math.tanh(GELU_C * (g + 0.044715 * g * g * g)), d = DO.get(i);
            double dgelu = 0.5 * (1 + t) + 0.5 * g * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * g * g);
            DG.add(i, d * U.get(i) * dgelu);
            DU.add(i, d * 0.5 * g * (1 + t));
        }
    }

    @Override
    public void softcap(Tensor x, float cap, long n) {
        Buf X = buf(x, n, "x");
        for (long i = 0; i < n; i++) X.set(i, cap * Math.tanh(X.get(i) / cap));
    }

    // ---- loss ----------------------------------------------------------------------------

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor losses, Tensor correct, Tensor targets,
                                    int n, int vocab, float gradScale, boolean computeGradient) {
        Buf X = buf(logits, (long) n * vocab, "logits"), LS = buf(losses, n, "losses"), T = buf(targets, n, "targets");
        Buf C = correct == null ? null : buf(correct, n, "correct");
        for (int i = 0; i < n; i++) {
            long base = (long) i * vocab;
            int t = T.idx(i);
            if (t < 0) {
                LS.set(i, 0);
                if (C != null) C.set(i, 0);
                if (computeGradient) for (int j = 0; j < vocab; j++) X.set(base + j, 0);
                continue;
            }
            if (t >= vocab) throw new IndexOutOfBoundsException("target " + t + " outside vocab " + vocab);
            double max = Double.NEGATIVE_INFINITY;
            int argmax = 0;
            for (int j = 0; j < vocab; j++) {
                double x = X.get(base + j);
                if (x > max) {
                    max = x;
                    argmax = j;
                }
            }
            double z = 0;
            for (int j = 0; j < vocab; j++) z += Math.exp(X.get(base + j) - max);
            double logZ = max + Math.log(z);
            LS.set(i, logZ - X.get(base + t));
            if (C != null) C.set(i, argmax == t ? 1 : 0);
            if (computeGradient) {
                for (int j = 0; j < vocab; j++) {
                    double softmax = Math.exp(X.get(base + j) - logZ);
                    X.set(base + j, gradScale * (softmax - (j == t ? 1 : 0)));
                }
            }
        }
    }

    // ---- elementwise and reductions ------------------------------------------------------

    @Override
    public void add(Tensor out, Tensor a, Tensor b, long n) {
        Buf O = buf(out, n, "out"), A = buf(a, n, "a"), B = buf(b, n, "b");
        for (long i = 0; i < n; i++) O.set(i, A.get(i) + B.get(i));
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b, long n) {
        Buf O = buf(out, n, "out"), A = buf(a, n, "a"), B = buf(b, n, "b");
        for (long i = 0; i < n; i++) O.set(i, A.get(i) * B.get(i));
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x, long n) {
        Buf Y = buf(y, n, "y"), X = buf(x, n, "x");
        for (long i = 0; i < n; i++) Y.add(i, alpha * X.get(i));
    }

    @Override
    public void scale(Tensor x, float alpha, long n) {
        Buf X = buf(x, n, "x");
        for (long i = 0; i < n; i++) X.set(i, alpha * X.get(i));
    }

    @Override
    public void fill(Tensor x, float value, long n) {
        Buf X = buf(x, n, "x");
        for (long i = 0; i < n; i++) X.set(i, value);
    }

    @Override
    public double sumOfSquares(Tensor x, long n) {
        Buf X = buf(x, n, "x");
        double s = 0;
        for (long i = 0; i < n; i++) s += X.get(i) * X.get(i);
        return s;
    }

    @Override
    public double sum(Tensor x, long n) {
        Buf X = buf(x, n, "x");
        double s = 0;
        for (long i = 0; i < n; i++) s += X.get(i);
        return s;
    }

    // ---- optimizer -----------------------------------------------------------------------

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, long n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        Buf P = buf(param, n, "param"), G = buf(grad, n, "grad"), M = buf(m, n, "m"), V = buf(v, n, "v");
        double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
        for (long i = 0; i < n; i++) {
            double g = G.get(i);
            double p = P.get(i) * (1 - (double) lr * weightDecay);
            double mi = beta1 * M.get(i) + (1 - (double) beta1) * g;
            double vi = beta2 * V.get(i) + (1 - (double) beta2) * g * g;
            M.set(i, mi);
            V.set(i, vi);
            P.set(i, p - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
        }
    }
}
