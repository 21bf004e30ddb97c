package com.mka1.spi;

import java.util.List;

/**
 * The numerical kernels a backend provides. Model math in mka1-core is written once as a list of
 * these calls over {@link Tensor}s of one device (llm.c style: every op a forward/backward pair
 * with explicit shapes).
 *
 * <h2>Conventions every implementation must follow</h2>
 * <ul>
 *   <li>Tensors are dense row-major; shapes are passed explicitly, in elements. A tensor may hold
 *       more elements than a call uses; only the leading ones are touched.</li>
 *   <li>Everything is F32 unless a parameter says otherwise. Parameters documented as "F32 or BF16"
 *       are weights that may be frozen in BF16; they are widened to F32 on the fly.</li>
 *   <li><b>Backward kernels accumulate</b> ({@code +=}) into every gradient output, so residual
 *       branches and tied weights need no extra adds; callers zero gradients first.</li>
 *   <li>Token-level tensors of a batch are laid out as {@code n = batch * seqLen} rows.</li>
 *   <li>Tolerance: a backend must agree with the reference backend to a relative error of about
 *       1e-5 per accumulated product (it may reorder sums); tests state their bounds.</li>
 * </ul>
 */
public interface Kernels {

    // ---- dense algebra -------------------------------------------------------------------

    /**
     * {@code C[m,n] = (accumulate ? C : 0) + alpha * op(A)[m,k] · op(B)[k,n]}. A is stored
     * {@code [m,k]}, or {@code [k,m]} when {@code transA}; B is stored {@code [k,n]}, or
     * {@code [n,k]} when {@code transB}. B may be F32 or BF16; A and C are F32.
     *
     * <p>A linear layer with HF weight {@code W[out,in]} is {@code matmul(y, x, W, T, out, in,
     * false, true, 1, false)}; its input gradient {@code matmul(dx, dy, W, T, in, out, false,
     * false, 1, true)}; its weight gradient {@code matmul(dW, dy, x, out, in, T, true, false, 1,
     * true)}.
     */
    void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k,
                boolean transA, boolean transB, float alpha, boolean accumulate);

    /** {@code out[r,c] += bias[c]} for {@code rows x cols}. */
    void addBias(Tensor out, Tensor bias, int rows, int cols);

    /** {@code dbias[c] += sum over r of dout[r,c]}. */
    void addBiasBackward(Tensor dbias, Tensor dout, int rows, int cols);

    // ---- embedding -----------------------------------------------------------------------

    /** {@code out[i,:] = table[tokens[i],:]}; table {@code [vocab,dim]} is F32 or BF16, tokens I32 {@code [n]}. */
    void embeddingForward(Tensor out, Tensor table, Tensor tokens, int n, int dim);

    /** {@code dtable[tokens[i],:] += dout[i,:]}. */
    void embeddingBackward(Tensor dtable, Tensor dout, Tensor tokens, int n, int dim);

    // ---- normalisation -------------------------------------------------------------------

    /**
     * RMSNorm: {@code rstd[i] = 1/sqrt(mean_j(x[i,j]^2) + eps)}, {@code out[i,j] = x[i,j] *
     * rstd[i] * weight[j]}. {@code rstd} ({@code [n]}) is saved for the backward pass and may be
     * null when no backward follows. {@code out} may alias nothing.
     */
    void rmsnormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int n, int dim, float eps);

    /**
     * The residual add and the RMSNorm after it: {@code sum = x + branch}, then
     * {@link #rmsnormForward}{@code (out, rstd, sum, weight, n, dim, eps)}. The default makes the
     * two calls; a backend may fuse them into one pass (the results must be the same).
     */
    default void addRmsnormForward(Tensor sum, Tensor out, Tensor rstd, Tensor x, Tensor branch, Tensor weight,
                                   int n, int dim, float eps) {
        add(sum, x, branch, (long) n * dim);
        rmsnormForward(out, rstd, sum, weight, n, dim, eps);
    }

    /** Accumulates {@code dx} and {@code dweight} from {@code dout}; {@code dweight} may be null (frozen). */
    void rmsnormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                         int n, int dim);

    // ---- rotary position embedding -------------------------------------------------------

    /**
     * In-place rotary embedding, Hugging Face "rotate half" convention, on {@code x[n, heads,
     * headDim]}: for {@code i < headDim/2}, angle {@code a = positions[t] * invFreq[i]} (computed
     * in float), {@code (x[i], x[i+h/2]) <- (x[i] cos a - x[i+h/2] sin a, x[i+h/2] cos a + x[i]
     * sin a)}. {@code inverse} rotates by {@code -a}: that is the backward pass (the rotation is
     * orthogonal), applied in place to the gradient. positions I32 {@code [n]}, invFreq F32
     * {@code [headDim/2]} (RoPE scaling variants only change invFreq).
     */
    default void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, boolean inverse) {
        rope(x, positions, invFreq, n, heads, headDim, headDim, 1f, inverse);
    }

    /**
     * {@link #rope} on the first {@code rotaryDim} dimensions of each head only (a
     * {@code partial_rotary_factor}: pairs {@code (i, i + rotaryDim/2)} for {@code i < rotaryDim/2},
     * invFreq {@code [rotaryDim/2]}), the rotated values multiplied by {@code attentionFactor}
     * (transformers' yarn/longrope {@code attention_scaling} of cos and sin); the other
     * dimensions pass through. {@code inverse} applies the transpose, {@code attentionFactor}
     * times the rotation by {@code -a}.
     */
    void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, int rotaryDim,
              float attentionFactor, boolean inverse);

    /**
     * {@link #rope} with the same positions on queries {@code q[n, heads, headDim]} and keys
     * {@code k[n, kvHeads, headDim]}. The default makes the two calls; a backend may do both in one launch.
     */
    default void ropeQK(Tensor q, Tensor k, Tensor positions, Tensor invFreq, int n, int heads, int kvHeads, int headDim,
                        int rotaryDim, float attentionFactor, boolean inverse) {
        rope(q, positions, invFreq, n, heads, headDim, rotaryDim, attentionFactor, inverse);
        rope(k, positions, invFreq, n, kvHeads, headDim, rotaryDim, attentionFactor, inverse);
    }

    // ---- attention -----------------------------------------------------------------------

    /**
     * Causal grouped-query attention over packed rows, without materialising a score matrix.
     * q {@code [batch*qLen, heads*headDim]}, k and v {@code [batch*kvLen, kvHeads*headDim]}, out
     * like q. Query {@code i} of row {@code b} sits at row-local position {@code p = kvLen - qLen +
     * i} and attends keys {@code j} with {@code segStart[b*qLen+i] <= j <= p} (segStart I32, a
     * row-local key index: the first token of the query's packed example, so attention never
     * crosses examples). Query head {@code h} reads kv head {@code h / (heads/kvHeads)}. Scores
     * are {@code s = scale * q·k}, soft-capped to {@code softcap * tanh(s / softcap)} when
     * {@code softcap > 0} (Gemma 2's {@code attn_logit_softcapping}). {@code lse} ({@code [batch*qLen, heads]}, natural-log
     * log-sum-exp of the scaled scores) is saved for backward and may be null.
     * Training uses {@code qLen == kvLen}; decoding with a KV cache uses {@code qLen < kvLen}.
     */
    void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart,
                          int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale, float softcap);

    /** {@link #attentionForward} without soft-capping. */
    default void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart,
                                  int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale) {
        attentionForward(out, lse, q, k, v, segStart, batch, qLen, kvLen, heads, kvHeads, headDim, scale, 0);
    }

    /**
     * Accumulates {@code dq, dk, dv} for {@link #attentionForward} with {@code qLen == kvLen ==
     * seqLen} and the same {@code scale} and {@code softcap}.
     */
    void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse,
                           Tensor q, Tensor k, Tensor v, Tensor segStart,
                           int batch, int seqLen, int heads, int kvHeads, int headDim, float scale, float softcap);

    /** {@link #attentionBackward} without soft-capping. */
    default void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse,
                                   Tensor q, Tensor k, Tensor v, Tensor segStart,
                                   int batch, int seqLen, int heads, int kvHeads, int headDim, float scale) {
        attentionBackward(dq, dk, dv, dout, out, lse, q, k, v, segStart, batch, seqLen, heads, kvHeads, headDim, scale, 0);
    }

    // ---- MLP -----------------------------------------------------------------------------

    /** SwiGLU: {@code out[i] = silu(gate[i]) * up[i]}, {@code silu(x) = x / (1 + e^-x)}. */
    void swigluForward(Tensor out, Tensor gate, Tensor up, long n);

    /** Accumulates {@code dgate} and {@code dup} from {@code dout}. */
    void swigluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n);

    /**
     * GeGLU (Gemma): {@code out[i] = gelu_tanh(gate[i]) * up[i]} with PyTorch's tanh
     * approximation {@code gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
     */
    void gegluForward(Tensor out, Tensor gate, Tensor up, long n);

    /** Accumulates {@code dgate} and {@code dup} from {@code dout}. */
    void gegluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n);

    /**
     * Soft-capping in place: {@code x = cap * tanh(x / cap)} (Gemma 2's final logits). Its
     * backward, {@code dx = dy (1 - (y/cap)^2)}, is composed from {@link #mul} and {@link #axpy}.
     */
    void softcap(Tensor x, float cap, long n);

    // ---- loss ----------------------------------------------------------------------------

    /**
     * Fused softmax cross-entropy over {@code logits[n, vocab]} with I32 {@code targets[n]}; a
     * negative target masks the row out. For active rows: {@code losses[i] = logsumexp(logits[i])
     * - logits[i, t]} and {@code correct[i] = 1} when the first index of the row maximum equals
     * {@code t}, else 0; masked rows get 0 and 0. When {@code computeGradient}, {@code logits} is
     * overwritten with {@code gradScale * (softmax - onehot)} on active rows and 0 on masked rows
     * (the gradient of {@code gradScale * sum(losses)}). {@code correct} may be null.
     */
    void softmaxCrossEntropy(Tensor logits, Tensor losses, Tensor correct, Tensor targets,
                             int n, int vocab, float gradScale, boolean computeGradient);

    // ---- elementwise and reductions ------------------------------------------------------

    /** {@code out = a + b}; out may alias a or b. */
    void add(Tensor out, Tensor a, Tensor b, long n);

    /** {@code out = a * b} elementwise; out may alias a or b (dropout masks). */
    void mul(Tensor out, Tensor a, Tensor b, long n);

    /** {@code y += alpha * x}. */
    void axpy(Tensor y, float alpha, Tensor x, long n);

    /** {@code x *= alpha}. */
    void scale(Tensor x, float alpha, long n);

    /** {@code x = value}. */
    void fill(Tensor x, float value, long n);

    /** Sum of squares of the first n elements, accumulated in double (for gradient norms). */
    double sumOfSquares(Tensor x, long n);

    /** Sum of the first n elements, accumulated in double (for losses and accuracies). */
    double sum(Tensor x, long n);

    // ---- optimizer -----------------------------------------------------------------------

    /**
     * One AdamW step (PyTorch semantics, decoupled weight decay, bias correction) on F32
     * {@code param} with gradient {@code grad} and moments {@code m}, {@code v}:
     * {@code param *= 1 - lr*weightDecay; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
     * param -= lr * (m / (1-b1^step)) / (sqrt(v / (1-b2^step)) + eps)}. {@code step} starts at 1.
     */
    void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, long n,
               float lr, float beta1, float beta2, float eps, float weightDecay, int step);

    /**
     * {@link #adamw} on every parameter of a model, each over all its elements with its own weight
     * decay. The default loops; a backend may update them all in one pass (the results must be the same).
     */
    default void adamw(List<AdamWParameter> parameters, float lr, float beta1, float beta2, float eps, int step) {
        for (AdamWParameter p : parameters) {
            adamw(p.param(), p.grad(), p.m(), p.v(), p.param().size(), lr, beta1, beta2, eps, p.weightDecay(), step);
        }
    }
}
