package com.mka1.backend.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * A randomly initialised Llama model trained in full with the SPI kernels alone: forward,
 * backward (the forward list reversed) and one AdamW step over a flat parameter buffer. It is
 * the workload of the benchmark, written once for any backend; mka1-core owns the real model.
 */
final class SyntheticLlama implements AutoCloseable {
    private final LlamaShape s;
    private final ComputeDevice dev;
    private final Kernels k;
    private final List<Tensor> owned = new ArrayList<>();
    private final Tensor params, grads, adamM, adamV;
    private final Weights w, g;
    private final Tensor tokens, targets, positions, segStart, invFreq;
    private final Tensor[] x, xMid, xn1, rstd1, q, kk, v, att, lse, xn2, rstd2, gate, up, act;
    private final Tensor xnF, rstdF, logits, losses;
    private final Tensor dx, dxn, datt, dq, dk, dv, dact, dgate, dup;
    private final float learningRate;
    private int step;

    /** Named views of the flat parameter (or gradient) buffer. */
    private record Layer(Tensor attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                         Tensor mlpNorm, Tensor wgate, Tensor wup, Tensor wdown) {}

    private record Weights(Tensor embed, Layer[] layers, Tensor finalNorm) {}

    SyntheticLlama(ComputeDevice dev, LlamaShape s, long seed, float learningRate) {
        this(dev, dev.kernels(), s, seed, learningRate);
    }

    /** A model whose steps run through {@code kernels} (of {@code dev}; a profiler, for one). */
    SyntheticLlama(ComputeDevice dev, Kernels kernels, LlamaShape s, long seed, float learningRate) {
        this.s = s;
        this.learningRate = learningRate;
        this.dev = dev;
        this.k = kernels;
        int n = s.tokens(), d = s.dim();
        long count = s.parameters();
        params = keep(dev.allocate(DType.F32, Math.toIntExact(count)));
        grads = keep(dev.allocate(DType.F32, Math.toIntExact(count)));
        adamM = keep(dev.allocate(DType.F32, Math.toIntExact(count)));
        adamV = keep(dev.allocate(DType.F32, Math.toIntExact(count)));
        w = views(params);
        g = views(grads);
        initialise(seed);

        SplittableRandom random = new SplittableRandom(seed + 1);
        int[] tok = new int[n + 1];
        for (int i = 0; i <= n; i++) tok[i] = random.nextInt(s.vocab());
        int[] pos = new int[n], seg = new int[n], tgt = new int[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i % s.seqLen();
            tgt[i] = tok[i + 1];
        }
        tokens = keep(dev.upload(Arrays.copyOf(tok, n), n));
        targets = keep(dev.upload(tgt, n));
        positions = keep(dev.upload(pos, n));
        segStart = keep(dev.upload(seg, n)); // one example per row: causal attention over the whole row
        float[] freq = new float[s.headDim() / 2];
        for (int i = 0; i < freq.length; i++) freq[i] = (float) Math.pow(10000.0, -2.0 * i / s.headDim());
        invFreq = keep(dev.upload(freq, freq.length));

        int layers = s.layers();
        x = new Tensor[layers + 1];
        xMid = new Tensor[layers];
        xn1 = new Tensor[layers];
        rstd1 = new Tensor[layers];
        q = new Tensor[layers];
        kk = new Tensor[layers];
        v = new Tensor[layers];
        att = new Tensor[layers];
        lse = new Tensor[layers];
        xn2 = new Tensor[layers];
        rstd2 = new Tensor[layers];
        gate = new Tensor[layers];
        up = new Tensor[layers];
        act = new Tensor[layers];
        for (int l = 0; l <= layers; l++) x[l] = f32(n, d);
        for (int l = 0; l < layers; l++) {
            xMid[l] = f32(n, d);
            xn1[l] = f32(n, d);
            rstd1[l] = f32(n);
            q[l] = f32(n, s.qDim());
            kk[l] = f32(n, s.kvDim());
            v[l] = f32(n, s.kvDim());
            att[l] = f32(n, s.qDim());
            lse[l] = f32(n, s.heads());
            xn2[l] = f32(n, d);
            rstd2[l] = f32(n);
            gate[l] = f32(n, s.hidden());
            up[l] = f32(n, s.hidden());
            act[l] = f32(n, s.hidden());
        }
        xnF = f32(n, d);
        rstdF = f32(n);
        logits = f32(n, s.vocab());
        losses = f32(n);
        dx = f32(n, d);
        dxn = f32(n, d);
        datt = f32(n, s.qDim());
        dq = f32(n, s.qDim());
        dk = f32(n, s.kvDim());
        dv = f32(n, s.kvDim());
        dact = f32(n, s.hidden());
        dgate = f32(n, s.hidden());
        dup = f32(n, s.hidden());
    }

    /** One full fine-tuning step; returns the mean loss (a host read: the step boundary). */
    double trainStep() {
        forward();
        backward();
        step++;
        k.adamw(params, grads, adamM, adamV, params.size(), learningRate, 0.9f, 0.95f, 1e-8f, 0.0f, step);
        return k.sum(losses, s.tokens()) / s.tokens();
    }

    private void forward() {
        int n = s.tokens(), d = s.dim(), hd = s.headDim();
        float scale = (float) (1 / Math.sqrt(hd));
        k.embeddingForward(x[0], w.embed(), tokens, n, d);
        for (int l = 0; l < s.layers(); l++) {
            Layer p = w.layers()[l];
            k.rmsnormForward(xn1[l], rstd1[l], x[l], p.attnNorm(), n, d, 1e-5f);
            k.matmul(q[l], xn1[l], p.wq(), n, s.qDim(), d, false, true, 1, false);
            k.matmul(kk[l], xn1[l], p.wk(), n, s.kvDim(), d, false, true, 1, false);
            k.matmul(v[l], xn1[l], p.wv(), n, s.kvDim(), d, false, true, 1, false);
            k.rope(q[l], positions, invFreq, n, s.heads(), hd, false);
            k.rope(kk[l], positions, invFreq, n, s.kvHeads(), hd, false);
            k.attentionForward(att[l], lse[l], q[l], kk[l], v[l], segStart,
                    s.batch(), s.seqLen(), s.seqLen(), s.heads(), s.kvHeads(), hd, scale);
            dev.copy(x[l], 0, xMid[l], 0, (long) n * d);
            k.matmul(xMid[l], att[l], p.wo(), n, d, s.qDim(), false, true, 1, true);
            k.rmsnormForward(xn2[l], rstd2[l], xMid[l], p.mlpNorm(), n, d, 1e-5f);
            k.matmul(gate[l], xn2[l], p.wgate(), n, s.hidden(), d, false, true, 1, false);
            k.matmul(up[l], xn2[l], p.wup(), n, s.hidden(), d, false, true, 1, false);
            k.swigluForward(act[l], gate[l], up[l], (long) n * s.hidden());
            dev.copy(xMid[l], 0, x[l + 1], 0, (long) n * d);
            k.matmul(x[l + 1], act[l], p.wdown(), n, d, s.hidden(), false, true, 1, true);
        }
        k.rmsnormForward(xnF, rstdF, x[s.layers()], w.finalNorm(), n, d, 1e-5f);
        k.matmul(logits, xnF, w.embed(), n, s.vocab(), d, false, true, 1, false);
        k.softmaxCrossEntropy(logits, losses, null, targets, n, s.vocab(), 1f / n, true);
    }

    private void backward() {
        int n = s.tokens(), d = s.dim(), hd = s.headDim(), h = s.hidden();
        float scale = (float) (1 / Math.sqrt(hd));
        k.fill(grads, 0f, grads.size());
        // logits now hold dlogits; the LM head is tied to the embedding
        k.matmul(dxn, logits, w.embed(), n, d, s.vocab(), false, false, 1, false);
        k.matmul(g.embed(), logits, xnF, s.vocab(), d, n, true, false, 1, true);
        k.fill(dx, 0f, (long) n * d);
        k.rmsnormBackward(dx, g.finalNorm(), dxn, x[s.layers()], w.finalNorm(), rstdF, n, d);
        for (int l = s.layers() - 1; l >= 0; l--) {
            Layer p = w.layers()[l], gp = g.layers()[l];
            // MLP branch: x[l+1] = xMid + act * Wdown^T
            k.matmul(dact, dx, p.wdown(), n, h, d, false, false, 1, false);
            k.matmul(gp.wdown(), dx, act[l], d, h, n, true, false, 1, true);
            k.fill(dgate, 0f, (long) n * h);
            k.fill(dup, 0f, (long) n * h);
            k.swigluBackward(dgate, dup, dact, gate[l], up[l], (long) n * h);
            k.matmul(dxn, dgate, p.wgate(), n, d, h, false, false, 1, false);
            k.matmul(dxn, dup, p.wup(), n, d, h, false, false, 1, true);
            k.matmul(gp.wgate(), dgate, xn2[l], h, d, n, true, false, 1, true);
            k.matmul(gp.wup(), dup, xn2[l], h, d, n, true, false, 1, true);
            k.rmsnormBackward(dx, gp.mlpNorm(), dxn, xMid[l], p.mlpNorm(), rstd2[l], n, d);
            // attention branch: xMid = x[l] + att * Wo^T
            k.matmul(datt, dx, p.wo(), n, s.qDim(), d, false, false, 1, false);
            k.matmul(gp.wo(), dx, att[l], d, s.qDim(), n, true, false, 1, true);
            k.fill(dq, 0f, (long) n * s.qDim());
            k.fill(dk, 0f, (long) n * s.kvDim());
            k.fill(dv, 0f, (long) n * s.kvDim());
            k.attentionBackward(dq, dk, dv, datt, att[l], lse[l], q[l], kk[l], v[l], segStart,
                    s.batch(), s.seqLen(), s.heads(), s.kvHeads(), hd, scale);
            k.rope(dq, positions, invFreq, n, s.heads(), hd, true);
            k.rope(dk, positions, invFreq, n, s.kvHeads(), hd, true);
            k.matmul(dxn, dq, p.wq(), n, d, s.qDim(), false, false, 1, false);
            k.matmul(dxn, dk, p.wk(), n, d, s.kvDim(), false, false, 1, true);
            k.matmul(dxn, dv, p.wv(), n, d, s.kvDim(), false, false, 1, true);
            k.matmul(gp.wq(), dq, xn1[l], s.qDim(), d, n, true, false, 1, true);
            k.matmul(gp.wk(), dk, xn1[l], s.kvDim(), d, n, true, false, 1, true);
            k.matmul(gp.wv(), dv, xn1[l], s.kvDim(), d, n, true, false, 1, true);
            k.rmsnormBackward(dx, gp.attnNorm(), dxn, x[l], p.attnNorm(), rstd1[l], n, d);
        }
        k.embeddingBackward(g.embed(), dx, tokens, n, d);
    }

    private Weights views(Tensor flat) {
        long[] at = {0};
        int d = s.dim();
        Tensor embed = slice(flat, at, s.vocab(), d);
        Layer[] layers = new Layer[s.layers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(slice(flat, at, d), slice(flat, at, s.qDim(), d), slice(flat, at, s.kvDim(), d),
                    slice(flat, at, s.kvDim(), d), slice(flat, at, d, s.qDim()), slice(flat, at, d),
                    slice(flat, at, s.hidden(), d), slice(flat, at, s.hidden(), d), slice(flat, at, d, s.hidden()));
        }
        Tensor finalNorm = slice(flat, at, d);
        if (at[0] != flat.size()) throw new IllegalStateException("parameter layout " + at[0] + " != " + flat.size());
        return new Weights(embed, layers, finalNorm);
    }

    private Tensor slice(Tensor flat, long[] at, int... shape) {
        Tensor view = dev.view(flat, at[0], shape);
        at[0] += view.size();
        return view;
    }

    /** Matrices ~ U(-0.04, 0.04), norm weights 1. */
    private void initialise(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] chunk = new float[1 << 20];
        for (long done = 0; done < params.size(); done += chunk.length) {
            int len = (int) Math.min(chunk.length, params.size() - done);
            for (int i = 0; i < len; i++) chunk[i] = (float) (random.nextDouble() * 0.08 - 0.04);
            dev.copyFromHost(chunk, 0, params, done, len);
        }
        k.fill(w.finalNorm(), 1f, s.dim());
        for (Layer layer : w.layers()) {
            k.fill(layer.attnNorm(), 1f, s.dim());
            k.fill(layer.mlpNorm(), 1f, s.dim());
        }
    }

    private Tensor f32(int... shape) {
        return keep(dev.allocate(DType.F32, shape));
    }

    private Tensor keep(Tensor t) {
        owned.add(t);
        return t;
    }

    @Override
    public void close() {
        owned.forEach(dev::free);
        owned.clear();
    }
}
