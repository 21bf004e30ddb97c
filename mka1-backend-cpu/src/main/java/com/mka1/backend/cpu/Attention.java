package com.mka1.backend.cpu;

/**
 * Causal grouped-query attention, fused per (row, head): one query's scores over its allowed keys
 * live in a scratch row of at most {@code kvLen} floats, are softmaxed in place and folded into
 * the output, so no {@code T x T} matrix is ever held. Backward recomputes the probabilities from
 * the saved log-sum-exp (the FlashAttention recipe) and gives each head private key/value
 * gradient buffers, reduced per kv head at the end, so threads never write the same element.
 */
final class Attention {
    private final FloatOps ops;
    private final Parallel parallel;

    Attention(FloatOps ops, Parallel parallel) {
        this.ops = ops;
        this.parallel = parallel;
    }

    /** Geometry of one call. */
    record Shape(int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale) {
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

    void forward(float[] out, int oo, float[] lse, int lo, float[] q, int qo, float[] k, int ko,
                 float[] v, int vo, int[] seg, int so, Shape s) {
        int hd = s.headDim();
        parallel.forRange(s.batch() * s.heads(), 1, (chunk, start, end) -> {
            float[] scores = new float[s.kvLen()];
            float[] acc = new float[hd];
            for (int task = start; task < end; task++) {
                int b = task / s.heads();
                int h = task % s.heads();
                int kvh = s.kvHeadOf(h);
                for (int i = 0; i < s.qLen(); i++) {
                    int row = b * s.qLen() + i;
                    int pos = s.kvLen() - s.qLen() + i;
                    int first = Math.max(0, seg[so + row]);
                    int qOff = qo + row * s.qStride() + h * hd;
                    int count = pos - first + 1;
                    int outOff = oo + row * s.qStride() + h * hd;
                    if (count <= 0) {
                        ops.fill(out, outOff, 0f, hd);
                        if (lse != null) lse[lo + row * s.heads() + h] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    for (int j = first; j <= pos; j++) {
                        int kOff = ko + (b * s.kvLen() + j) * s.kvStride() + kvh * hd;
                        scores[j] = s.scale() * ops.dot(q, qOff, k, kOff, hd);
                    }
                    float max = ops.max(scores, first, count);
                    ops.expScale(scores, first, count, max, 1f);
                    float sum = ops.sum(scores, first, count);
                    ops.fill(acc, 0, 0f, hd);
                    for (int j = first; j <= pos; j++) {
                        int vOff = vo + (b * s.kvLen() + j) * s.kvStride() + kvh * hd;
                        ops.axpy(scores[j], v, vOff, acc, 0, hd);
                    }
                    float inv = 1f / sum;
                    for (int d = 0; d < hd; d++) out[outOff + d] = acc[d] * inv;
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
            for (int task = start; task < end; task++) {
                int b = task / s.heads();
                int h = task % s.heads();
                int kvh = s.kvHeadOf(h);
                int local = task * headBlock;
                for (int i = 0; i < seqLen; i++) {
                    int row = b * seqLen + i;
                    int first = Math.max(0, seg[so + row]);
                    int count = i - first + 1;
                    if (count <= 0) continue;
                    int qOff = qo + row * s.qStride() + h * hd;
                    int dOff = doo + row * s.qStride() + h * hd;
                    int dqOff = dqo + row * s.qStride() + h * hd;
                    float rowLse = lse[lo + row * s.heads() + h];
                    float delta = ops.dot(dout, dOff, out, oo + row * s.qStride() + h * hd, hd);
                    for (int j = first; j <= i; j++) {
                        int kOff = ko + (b * seqLen + j) * s.kvStride() + kvh * hd;
                        int vOff = vo + (b * seqLen + j) * s.kvStride() + kvh * hd;
                        float p = (float) Math.exp(s.scale() * ops.dot(q, qOff, k, kOff, hd) - rowLse);
                        float ds = p * (ops.dot(dout, dOff, v, vOff, hd) - delta);
                        ops.axpy(s.scale() * ds, k, kOff, dq, dqOff, hd);
                        ops.axpy(s.scale() * ds, q, qOff, dkHeads, local + j * hd, hd);
                        ops.axpy(p, dout, dOff, dvHeads, local + j * hd, hd);
                    }
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
}
