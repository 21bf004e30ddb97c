package com.mka1.bench.llama;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A randomly initialised Llama (RMSNorm, RoPE, GQA attention, SwiGLU, tied embeddings) written as
 * the list of {@link Kernels} calls a training step and a generation loop make, llm.c style. It
 * exists to time the backend in the model's call pattern; it is not the engine's model.
 */
final class SyntheticLlama {
    private static final float EPS = 1e-5f;

    private final LlamaShape s;
    private final ComputeDevice device;
    private final Kernels k;
    private final Tensor embedding;
    private final Tensor embeddingGrad;
    private final Tensor finalNorm;
    private final Tensor finalNormGrad;
    private final Tensor invFreq;
    private final List<Layer> layers = new ArrayList<>();
    private final List<Tensor[]> trainable = new ArrayList<>();
    private final List<Tensor[]> moments = new ArrayList<>();
    // activations of the last layer stack and the head
    private final Tensor[] residual;
    private final Tensor finalHidden;
    private final Tensor finalRstd;
    private final Tensor logits;
    private final Tensor losses;
    private final Tensor gradA;
    private final Tensor gradB;
    private int step;

    /** Weights and saved activations of one decoder layer. */
    private final class Layer {
        final Tensor attnNorm = Weights.constant(device, 1f, s.dim());
        final Tensor mlpNorm = Weights.constant(device, 1f, s.dim());
        final Tensor attnNormGrad = device.allocate(DType.F32, s.dim());
        final Tensor mlpNormGrad = device.allocate(DType.F32, s.dim());
        final Linear wq;
        final Linear wk;
        final Linear wv;
        final Linear wo;
        final Linear wg;
        final Linear wu;
        final Linear wd;
        final Tensor h;
        final Tensor rstd1;
        final Tensor q;
        final Tensor kk;
        final Tensor v;
        final Tensor att;
        final Tensor lse;
        final Tensor mid;
        final Tensor h2;
        final Tensor rstd2;
        final Tensor gate;
        final Tensor up;
        final Tensor act;
        final Tensor kCache;
        final Tensor vCache;

        Layer(Random random) {
            int n = s.tokens();
            int kvDim = s.kvHeads() * s.headDim();
            int r = s.loraRank();
            wq = new Linear(device, random, s.dim(), s.dim(), r, n);
            wk = new Linear(device, random, s.dim(), kvDim, r, n);
            wv = new Linear(device, random, s.dim(), kvDim, r, n);
            wo = new Linear(device, random, s.dim(), s.dim(), r, n);
            wg = new Linear(device, random, s.dim(), s.hidden(), r, n);
            wu = new Linear(device, random, s.dim(), s.hidden(), r, n);
            wd = new Linear(device, random, s.hidden(), s.dim(), r, n);
            h = device.allocate(DType.F32, n, s.dim());
            rstd1 = device.allocate(DType.F32, n);
            q = device.allocate(DType.F32, n, s.dim());
            kk = device.allocate(DType.F32, n, kvDim);
            v = device.allocate(DType.F32, n, kvDim);
            att = device.allocate(DType.F32, n, s.dim());
            lse = device.allocate(DType.F32, n, s.heads());
            mid = device.allocate(DType.F32, n, s.dim());
            h2 = device.allocate(DType.F32, n, s.dim());
            rstd2 = device.allocate(DType.F32, n);
            gate = device.allocate(DType.F32, n, s.hidden());
            up = device.allocate(DType.F32, n, s.hidden());
            act = device.allocate(DType.F32, n, s.hidden());
            kCache = device.allocate(DType.F32, s.seqLen(), kvDim);
            vCache = device.allocate(DType.F32, s.seqLen(), kvDim);
        }

        List<Linear> linears() {
            return List.of(wq, wk, wv, wo, wg, wu, wd);
        }
    }

    SyntheticLlama(ComputeDevice device, LlamaShape shape, long seed) {
        this.s = shape;
        this.device = device;
        this.k = device.kernels();
        Random random = new Random(seed);
        int n = s.tokens();
        embedding = Weights.random(device, random, s.lora() ? DType.BF16 : DType.F32, 0.02f, s.vocab(), s.dim());
        embeddingGrad = s.lora() ? null : device.allocate(DType.F32, s.vocab(), s.dim());
        finalNorm = Weights.constant(device, 1f, s.dim());
        finalNormGrad = device.allocate(DType.F32, s.dim());
        float[] freq = new float[s.headDim() / 2];
        for (int i = 0; i < freq.length; i++) freq[i] = (float) Math.pow(10000, -2.0 * i / s.headDim());
        invFreq = device.upload(freq, freq.length);
        for (int l = 0; l < s.layers(); l++) layers.add(new Layer(random));
        residual = new Tensor[s.layers() + 1];
        for (int l = 0; l <= s.layers(); l++) residual[l] = device.allocate(DType.F32, n, s.dim());
        finalHidden = device.allocate(DType.F32, n, s.dim());
        finalRstd = device.allocate(DType.F32, n);
        logits = device.allocate(DType.F32, n, s.vocab());
        losses = device.allocate(DType.F32, n);
        gradA = device.allocate(DType.F32, n, Math.max(s.dim(), s.hidden()));
        gradB = device.allocate(DType.F32, n, Math.max(s.dim(), s.hidden()));
        if (!s.lora()) trainable.add(new Tensor[] {embedding, embeddingGrad});
        trainable.add(new Tensor[] {finalNorm, finalNormGrad});
        for (Layer layer : layers) {
            if (!s.lora()) {
                trainable.add(new Tensor[] {layer.attnNorm, layer.attnNormGrad});
                trainable.add(new Tensor[] {layer.mlpNorm, layer.mlpNormGrad});
            }
            for (Linear linear : layer.linears()) trainable.addAll(linear.trainable());
        }
        for (Tensor[] p : trainable) {
            moments.add(new Tensor[] {device.allocate(DType.F32, p[0].shape()), device.allocate(DType.F32, p[0].shape())});
        }
    }

    long trainableParameters() {
        return trainable.stream().mapToLong(p -> p[0].size()).sum();
    }

    /** One optimizer step on a batch: forward, loss, backward, AdamW. Returns the mean loss. */
    double trainStep(Tensor tokens, Tensor targets, Tensor positions, Tensor segStart) {
        int n = s.tokens();
        for (Tensor[] p : trainable) k.fill(p[1], 0f, p[1].size());
        forward(tokens, positions, segStart, n, true);
        k.softmaxCrossEntropy(logits, losses, null, targets, n, s.vocab(), 1f / n, true);
        double loss = k.sum(losses, n) / n;
        backward(tokens, positions, segStart, n);
        step++;
        for (int i = 0; i < trainable.size(); i++) {
            Tensor[] p = trainable.get(i);
            Tensor[] m = moments.get(i);
            k.adamw(p[0], p[1], m[0], m[1], p[0].size(), 1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, step);
        }
        return loss;
    }

    /** Forward over {@code n} tokens of {@code batch} rows; leaves logits. */
    void forward(Tensor tokens, Tensor positions, Tensor segStart, int n, boolean training) {
        int rows = n / s.seqLen() == 0 ? 1 : n / s.seqLen();
        int len = n / rows;
        k.embeddingForward(residual[0], embedding, tokens, n, s.dim());
        for (int l = 0; l < s.layers(); l++) {
            Layer L = layers.get(l);
            Tensor x = residual[l];
            k.rmsnormForward(L.h, L.rstd1, x, L.attnNorm, n, s.dim(), EPS);
            L.wq.forward(k, L.q, L.h, n);
            L.wk.forward(k, L.kk, L.h, n);
            L.wv.forward(k, L.v, L.h, n);
            k.rope(L.q, positions, invFreq, n, s.heads(), s.headDim(), false);
            k.rope(L.kk, positions, invFreq, n, s.kvHeads(), s.headDim(), false);
            k.attentionForward(L.att, training ? L.lse : null, L.q, L.kk, L.v, segStart, rows, len, len,
                    s.heads(), s.kvHeads(), s.headDim(), (float) (1 / Math.sqrt(s.headDim())));
            L.wo.forward(k, L.mid, L.att, n);
            k.add(L.mid, L.mid, x, (long) n * s.dim());
            k.rmsnormForward(L.h2, L.rstd2, L.mid, L.mlpNorm, n, s.dim(), EPS);
            L.wg.forward(k, L.gate, L.h2, n);
            L.wu.forward(k, L.up, L.h2, n);
            k.swigluForward(L.act, L.gate, L.up, (long) n * s.hidden());
            L.wd.forward(k, residual[l + 1], L.act, n);
            k.add(residual[l + 1], residual[l + 1], L.mid, (long) n * s.dim());
        }
        k.rmsnormForward(finalHidden, finalRstd, residual[s.layers()], finalNorm, n, s.dim(), EPS);
        k.matmul(logits, finalHidden, embedding, n, s.vocab(), s.dim(), false, true, 1f, false);
    }

    private void backward(Tensor tokens, Tensor positions, Tensor segStart, int n) {
        int d = s.dim();
        Tensor dx = device.view(gradA, 0, n, d);       // gradient of the residual stream
        Tensor dh = device.view(gradB, 0, n, d);
        k.fill(dh, 0f, (long) n * d);
        k.matmul(dh, logits, embedding, n, d, s.vocab(), false, false, 1f, true);
        if (embeddingGrad != null) k.matmul(embeddingGrad, logits, finalHidden, s.vocab(), d, n, true, false, 1f, true);
        k.fill(dx, 0f, (long) n * d);
        k.rmsnormBackward(dx, finalNormGrad, dh, residual[s.layers()], finalNorm, finalRstd, n, d);
        Tensor scratch = device.allocate(DType.F32, n, Math.max(d, s.hidden()));
        Tensor scratch2 = device.allocate(DType.F32, n, s.hidden());
        Tensor dq = device.allocate(DType.F32, n, d);
        int kvDim = s.kvHeads() * s.headDim();
        Tensor dk = device.allocate(DType.F32, n, kvDim);
        Tensor dv = device.allocate(DType.F32, n, kvDim);
        int rows = n / s.seqLen();
        for (int l = s.layers() - 1; l >= 0; l--) {
            Layer L = layers.get(l);
            // MLP: residual[l+1] = mid + wd(swiglu(wg h2, wu h2))
            Tensor dact = device.view(scratch, 0, n, s.hidden());
            k.fill(dact, 0f, (long) n * s.hidden());
            L.wd.backward(k, dact, dx, L.act, n);
            Tensor dgate = device.view(scratch2, 0, n, s.hidden());
            Tensor dup = device.view(gradB, 0, n, s.hidden());
            k.fill(dgate, 0f, (long) n * s.hidden());
            k.fill(dup, 0f, (long) n * s.hidden());
            k.swigluBackward(dgate, dup, dact, L.gate, L.up, (long) n * s.hidden());
            Tensor dh2 = device.view(scratch, 0, n, d);
            k.fill(dh2, 0f, (long) n * d);
            L.wg.backward(k, dh2, dgate, L.h2, n);
            L.wu.backward(k, dh2, dup, L.h2, n);
            k.rmsnormBackward(dx, s.lora() ? null : L.mlpNormGrad, dh2, L.mid, L.mlpNorm, L.rstd2, n, d);
            // attention: mid = x + wo(attention(rope(wq h), rope(wk h), wv h))
            Tensor datt = device.view(scratch, 0, n, d);
            k.fill(datt, 0f, (long) n * d);
            L.wo.backward(k, datt, dx, L.att, n);
            k.fill(dq, 0f, (long) n * d);
            k.fill(dk, 0f, (long) n * kvDim);
            k.fill(dv, 0f, (long) n * kvDim);
            k.attentionBackward(dq, dk, dv, datt, L.att, L.lse, L.q, L.kk, L.v, segStart, rows, s.seqLen(),
                    s.heads(), s.kvHeads(), s.headDim(), (float) (1 / Math.sqrt(s.headDim())));
            k.rope(dq, positions, invFreq, n, s.heads(), s.headDim(), true);
            k.rope(dk, positions, invFreq, n, s.kvHeads(), s.headDim(), true);
            Tensor dhl = device.view(scratch, 0, n, d);
            k.fill(dhl, 0f, (long) n * d);
            L.wq.backward(k, dhl, dq, L.h, n);
            L.wk.backward(k, dhl, dk, L.h, n);
            L.wv.backward(k, dhl, dv, L.h, n);
            k.rmsnormBackward(dx, s.lora() ? null : L.attnNormGrad, dhl, residual[l], L.attnNorm, L.rstd1, n, d);
        }
        if (embeddingGrad != null) k.embeddingBackward(embeddingGrad, dx, tokens, n, d);
        for (Tensor t : List.of(scratch, scratch2, dq, dk, dv)) device.free(t);
    }

    /** Greedy decoding with a KV cache: prefill {@code prompt} tokens, then generate {@code count}. */
    int[] generate(int[] prompt, int count) {
        int total = prompt.length + count;
        if (total > s.seqLen()) throw new IllegalArgumentException("prompt + count exceeds " + s.seqLen());
        int[] out = new int[count];
        Tensor tok = device.allocate(DType.I32, prompt.length);
        device.copyFromHost(prompt, 0, tok, 0, prompt.length);
        Tensor pos = device.allocate(DType.I32, prompt.length);
        int[] positions = new int[prompt.length];
        for (int i = 0; i < positions.length; i++) positions[i] = i;
        device.copyFromHost(positions, 0, pos, 0, positions.length);
        Tensor seg = device.allocate(DType.I32, prompt.length);
        int next = decodeStep(tok, pos, seg, 0, prompt.length);
        Tensor one = device.allocate(DType.I32, 1);
        Tensor onePos = device.allocate(DType.I32, 1);
        Tensor oneSeg = device.allocate(DType.I32, 1);
        for (int i = 0; i < count; i++) {
            out[i] = next;
            if (i == count - 1) break;
            device.copyFromHost(new int[] {next}, 0, one, 0, 1);
            device.copyFromHost(new int[] {prompt.length + i}, 0, onePos, 0, 1);
            next = decodeStep(one, onePos, oneSeg, prompt.length + i, 1);
        }
        return out;
    }

    /** Runs {@code n} new tokens at cache position {@code start}; returns the argmax of the last logits. */
    private int decodeStep(Tensor tokens, Tensor positions, Tensor segStart, int start, int n) {
        int d = s.dim();
        int kvDim = s.kvHeads() * s.headDim();
        Tensor x = device.view(residual[0], 0, n, d);
        k.embeddingForward(x, embedding, tokens, n, d);
        for (Layer L : layers) {
            Tensor h = device.view(L.h, 0, n, d);
            Tensor q = device.view(L.q, 0, n, d);
            Tensor kNew = device.view(L.kCache, (long) start * kvDim, n, kvDim);
            Tensor vNew = device.view(L.vCache, (long) start * kvDim, n, kvDim);
            Tensor att = device.view(L.att, 0, n, d);
            Tensor mid = device.view(L.mid, 0, n, d);
            k.rmsnormForward(h, null, x, L.attnNorm, n, d, EPS);
            L.wq.forward(k, q, h, n);
            L.wk.forward(k, kNew, h, n);
            L.wv.forward(k, vNew, h, n);
            k.rope(q, positions, invFreq, n, s.heads(), s.headDim(), false);
            k.rope(kNew, positions, invFreq, n, s.kvHeads(), s.headDim(), false);
            k.attentionForward(att, null, q, L.kCache, L.vCache, segStart, 1, n, start + n,
                    s.heads(), s.kvHeads(), s.headDim(), (float) (1 / Math.sqrt(s.headDim())));
            L.wo.forward(k, mid, att, n);
            k.add(mid, mid, x, (long) n * d);
            Tensor h2 = device.view(L.h2, 0, n, d);
            Tensor gate = device.view(L.gate, 0, n, s.hidden());
            Tensor up = device.view(L.up, 0, n, s.hidden());
            Tensor act = device.view(L.act, 0, n, s.hidden());
            k.rmsnormForward(h2, null, mid, L.mlpNorm, n, d, EPS);
            L.wg.forward(k, gate, h2, n);
            L.wu.forward(k, up, h2, n);
            k.swigluForward(act, gate, up, (long) n * s.hidden());
            L.wd.forward(k, x, act, n);
            k.add(x, x, mid, (long) n * d);
        }
        Tensor last = device.view(x, (long) (n - 1) * d, 1, d);
        Tensor hf = device.view(finalHidden, 0, 1, d);
        k.rmsnormForward(hf, null, last, finalNorm, 1, d, EPS);
        Tensor row = device.view(logits, 0, 1, s.vocab());
        k.matmul(row, hf, embedding, 1, s.vocab(), d, false, true, 1f, false);
        float[] values = new float[s.vocab()];
        device.copyToHost(row, 0, values, 0, values.length);
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
