package com.mka1.bench.llama;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One projection {@code y = x W^T} with HF weight {@code W[out,in]}, either trainable F32 or a
 * frozen BF16 base with a LoRA adapter {@code y += (alpha/r) (x A^T) B^T}.
 */
final class Linear {
    final int in;
    final int out;
    final Tensor weight;
    final Tensor weightGrad;
    private final int rank;
    private final float loraScale;
    private final Tensor loraA;
    private final Tensor loraB;
    private final Tensor loraAGrad;
    private final Tensor loraBGrad;
    private final Tensor loraHidden;
    private final Tensor loraHiddenGrad;

    Linear(ComputeDevice device, Random random, int in, int out, int rank, int tokens) {
        this.in = in;
        this.out = out;
        this.rank = rank;
        float std = (float) (1 / Math.sqrt(in));
        this.weight = Weights.random(device, random, rank > 0 ? DType.BF16 : DType.F32, std, out, in);
        this.weightGrad = rank > 0 ? null : device.allocate(DType.F32, out, in);
        this.loraScale = rank > 0 ? 16f / rank : 0f;
        this.loraA = rank > 0 ? Weights.random(device, random, DType.F32, std, rank, in) : null;
        this.loraB = rank > 0 ? Weights.random(device, random, DType.F32, 0.01f, out, rank) : null;
        this.loraAGrad = rank > 0 ? device.allocate(DType.F32, rank, in) : null;
        this.loraBGrad = rank > 0 ? device.allocate(DType.F32, out, rank) : null;
        this.loraHidden = rank > 0 ? device.allocate(DType.F32, tokens, rank) : null;
        this.loraHiddenGrad = rank > 0 ? device.allocate(DType.F32, tokens, rank) : null;
    }

    /** (parameter, gradient) pairs the optimizer updates. */
    List<Tensor[]> trainable() {
        List<Tensor[]> list = new ArrayList<>();
        if (rank > 0) {
            list.add(new Tensor[] {loraA, loraAGrad});
            list.add(new Tensor[] {loraB, loraBGrad});
        } else {
            list.add(new Tensor[] {weight, weightGrad});
        }
        return list;
    }

    void forward(Kernels k, Tensor y, Tensor x, int n) {
        k.matmul(y, x, weight, n, out, in, false, true, 1f, false);
        if (rank > 0) {
            k.matmul(loraHidden, x, loraA, n, rank, in, false, true, 1f, false);
            k.matmul(y, loraHidden, loraB, n, out, rank, false, true, loraScale, true);
        }
    }

    /** Accumulates {@code dx} (when non-null) and the trainable gradients from {@code dy}. */
    void backward(Kernels k, Tensor dx, Tensor dy, Tensor x, int n) {
        if (dx != null) k.matmul(dx, dy, weight, n, in, out, false, false, 1f, true);
        if (rank > 0) {
            k.matmul(loraBGrad, dy, loraHidden, out, rank, n, true, false, loraScale, true);
            k.matmul(loraHiddenGrad, dy, loraB, n, rank, out, false, false, loraScale, false);
            k.matmul(loraAGrad, loraHiddenGrad, x, rank, in, n, true, false, 1f, true);
            if (dx != null) k.matmul(dx, loraHiddenGrad, loraA, n, in, rank, false, false, 1f, true);
        } else {
            k.matmul(weightGrad, dy, x, out, in, n, true, false, 1f, true);
        }
    }
}
