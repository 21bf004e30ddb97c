package com.mka1.backend.cpu;

/**
 * Independent oracle for the kernel tests: the textbook formulas in double precision, with no
 * blocking, packing or vectors. Returns both results and, for matmul, the magnitude bound
 * {@code sum |a||b|} that scales the tolerance.
 */
final class NaiveMath {
    private NaiveMath() {}

    static double opA(float[] a, boolean transA, int m, int k, int i, int p) {
        return transA ? a[p * m + i] : a[i * k + p];
    }

    static double opB(float[] b, boolean transB, int n, int k, int p, int j) {
        return transB ? b[j * k + p] : b[p * n + j];
    }

    /** {@code alpha * op(A) op(B)} as double, plus {@code sum |a b|} per element in {@code magnitude}. */
    static double[] matmul(float[] a, float[] b, int m, int n, int k, boolean transA, boolean transB,
                           float alpha, double[] magnitude) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double prod = opA(a, transA, m, k, i, p) * opB(b, transB, n, k, p, j);
                    s += prod;
                    mag += Math.abs(prod);
                }
                c[i * n + j] = alpha * s;
                magnitude[i * n + j] = Math.abs(alpha) * mag;
            }
        }
        return c;
    }

    /** Attention outputs and log-sum-exp per (row, head), double precision, full score matrix. */
    record AttentionResult(double[] out, double[] lse) {}

    static AttentionResult attention(float[] q, float[] k, float[] v, int[] seg, int batch, int qLen, int kvLen,
                                     int heads, int kvHeads, int hd, float scale) {
        double[] out = new double[batch * qLen * heads * hd];
        double[] lse = new double[batch * qLen * heads];
        int group = heads / kvHeads;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int kvh = h / group;
                for (int i = 0; i < qLen; i++) {
                    int row = b * qLen + i;
                    int pos = kvLen - qLen + i;
                    double[] s = new double[kvLen];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = seg[row]; j <= pos; j++) {
                        double d = 0;
                        for (int e = 0; e < hd; e++) {
                            d += (double) q[(row * heads + h) * hd + e] * k[((b * kvLen + j) * kvHeads + kvh) * hd + e];
                        }
                        s[j] = scale * d;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = seg[row]; j <= pos; j++) sum += Math.exp(s[j] - max);
                    for (int j = seg[row]; j <= pos; j++) {
                        double p = Math.exp(s[j] - max) / sum;
                        for (int e = 0; e < hd; e++) {
                            out[(row * heads + h) * hd + e] += p * v[((b * kvLen + j) * kvHeads + kvh) * hd + e];
                        }
                    }
                    lse[row * heads + h] = max + Math.log(sum);
                }
            }
        }
        return new AttentionResult(out, lse);
    }

    /** Gradients of {@code sum(dout * attention(q,k,v))} for qLen == kvLen, by the softmax chain rule. */
    record AttentionGrads(double[] dq, double[] dk, double[] dv) {}

    static AttentionGrads attentionBackward(float[] dout, float[] q, float[] k, float[] v, int[] seg, int batch,
                                            int seqLen, int heads, int kvHeads, int hd, float scale) {
        double[] dq = new double[q.length];
        double[] dk = new double[k.length];
        double[] dv = new double[v.length];
        int group = heads / kvHeads;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int kvh = h / group;
                for (int i = 0; i < seqLen; i++) {
                    int row = b * seqLen + i;
                    int qo = (row * heads + h) * hd;
                    double[] p = new double[seqLen];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = seg[row]; j <= i; j++) {
                        double d = 0;
                        for (int e = 0; e < hd; e++) d += (double) q[qo + e] * k[((b * seqLen + j) * kvHeads + kvh) * hd + e];
                        p[j] = scale * d;
                        max = Math.max(max, p[j]);
                    }
                    double sum = 0;
                    for (int j = seg[row]; j <= i; j++) sum += Math.exp(p[j] - max);
                    for (int j = seg[row]; j <= i; j++) p[j] = Math.exp(p[j] - max) / sum;
                    double[] dp = new double[seqLen];
                    double weighted = 0;
                    for (int j = seg[row]; j <= i; j++) {
                        int vo = ((b * seqLen + j) * kvHeads + kvh) * hd;
                        for (int e = 0; e < hd; e++) dp[j] += (double) dout[qo + e] * v[vo + e];
                        weighted += p[j] * dp[j];
                    }
                    for (int j = seg[row]; j <= i; j++) {
                        int ko = ((b * seqLen + j) * kvHeads + kvh) * hd;
                        double ds = p[j] * (dp[j] - weighted) * scale;
                        for (int e = 0; e < hd; e++) {
                            dq[qo + e] += ds * k[ko + e];
                            dk[ko + e] += ds * q[qo + e];
                            dv[ko + e] += p[j] * dout[qo + e];
                        }
                    }
                }
            }
        }
        return new AttentionGrads(dq, dk, dv);
    }
}
