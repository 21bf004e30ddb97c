package com.mka1.backend.cpu;

import com.mka1.spi.Bf16;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.MemoryInfo;
import com.mka1.spi.Tensor;
import java.util.Arrays;

/**
 * A CPU device: tensors are Java heap arrays (F32 {@code float[]}, BF16 {@code short[]} bit
 * patterns, I32 {@code int[]}), kernels run synchronously on a thread pool owned by the device.
 */
final class CpuDevice implements ComputeDevice {
    private final FloatOps ops;
    private final Parallel parallel;
    private final CpuKernels kernels;
    private final PackingClock packingClock;
    private final PackedWeights packedWeights;
    private long allocated;
    private long peak;
    private boolean closed;

    CpuDevice(FloatOps ops, int threads, PackingClock packingClock, PackedWeights packedWeights, boolean splitDepth) {
        this.ops = ops;
        this.parallel = new Parallel(threads);
        this.packingClock = packingClock;
        this.packedWeights = packedWeights;
        this.kernels = new CpuKernels(this, ops, parallel, packingClock, packedWeights, splitDepth);
    }

    /** Bytes of frozen BF16 weights held packed as F32 (see {@link PackedWeights}). */
    long packedWeightBytes() {
        return packedWeights.usedBytes();
    }

    PackingClock packingClock() {
        return packingClock;
    }

    int threads() {
        return parallel.threads();
    }

    @Override
    public String backendName() {
        return CpuBackend.NAME;
    }

    @Override
    public String description() {
        return ops.description() + ", " + parallel.threads() + " threads";
    }

    @Override
    public Tensor allocate(DType dtype, int... shape) {
        ensureOpen();
        int[] dims = shape.clone();
        int n = elementCount(dims);
        CpuTensor t = switch (dtype) {
            case F32 -> new CpuTensor.F32(this, new float[n], 0, dims, true);
            case BF16 -> new CpuTensor.Bf16(this, new short[n], 0, dims, true);
            case I32 -> new CpuTensor.I32(this, new int[n], 0, dims, true);
        };
        allocated += (long) n * dtype.bytes();
        peak = Math.max(peak, allocated);
        return t;
    }

    @Override
    public Tensor view(Tensor base, long offset, int... shape) {
        CpuTensor b = own(base, "base");
        int[] dims = shape.clone();
        long n = elementCount(dims);
        if (offset < 0 || offset + n > b.size()) {
            throw new IndexOutOfBoundsException("view [" + offset + ", " + (offset + n) + ") outside tensor of "
                    + b.size() + " elements, shape " + Arrays.toString(b.shapeRef()));
        }
        int start = b.offset() + (int) offset;
        return switch (b) {
            case CpuTensor.F32 f -> new CpuTensor.F32(this, f.data(), start, dims, false);
            case CpuTensor.Bf16 h -> new CpuTensor.Bf16(this, h.data(), start, dims, false);
            case CpuTensor.I32 i -> new CpuTensor.I32(this, i.data(), start, dims, false);
        };
    }

    @Override
    public void free(Tensor tensor) {
        CpuTensor t = own(tensor, "tensor");
        if (t.owner()) allocated -= t.size() * t.dtype().bytes(); // the array itself goes with its last reference
        if (t.owner() && t instanceof CpuTensor.Bf16 h) packedWeights.forget(h.data());
        if (t.owner() && t instanceof CpuTensor.F32 f) packedWeights.forget(f.data());
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        CpuTensor t = own(dst, "dst");
        checkRange(t, dstOffset, length);
        switch (t) {
            case CpuTensor.F32 f -> {
                packedWeights.forget(f.data());
                System.arraycopy(src, srcOffset, f.data(), f.offset() + (int) dstOffset, length);
            }
            case CpuTensor.Bf16 h -> {
                packedWeights.forget(h.data());
                int base = h.offset() + (int) dstOffset;
                for (int i = 0; i < length; i++) h.data()[base + i] = Bf16.fromFloat(src[srcOffset + i]);
            }
            case CpuTensor.I32 i -> throw new IllegalArgumentException("cannot copy floats into an I32 tensor");
        }
    }

    @Override
    public void copyFromHost(int[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        CpuTensor t = own(dst, "dst");
        checkRange(t, dstOffset, length);
        if (!(t instanceof CpuTensor.I32 i)) throw new IllegalArgumentException("ints go into I32 tensors, dst is " + t.dtype());
        System.arraycopy(src, srcOffset, i.data(), i.offset() + (int) dstOffset, length);
    }

    @Override
    public void copyFromHostBf16(short[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        CpuTensor t = own(dst, "dst");
        checkRange(t, dstOffset, length);
        if (!(t instanceof CpuTensor.Bf16 h)) throw new IllegalArgumentException("bf16 bits go into BF16 tensors, dst is " + t.dtype());
        packedWeights.forget(h.data());
        System.arraycopy(src, srcOffset, h.data(), h.offset() + (int) dstOffset, length);
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, float[] dst, int dstOffset, int length) {
        CpuTensor t = own(src, "src");
        checkRange(t, srcOffset, length);
        switch (t) {
            case CpuTensor.F32 f -> System.arraycopy(f.data(), f.offset() + (int) srcOffset, dst, dstOffset, length);
            case CpuTensor.Bf16 h -> {
                int base = h.offset() + (int) srcOffset;
                for (int i = 0; i < length; i++) dst[dstOffset + i] = Bf16.toFloat(h.data()[base + i]);
            }
            case CpuTensor.I32 i -> throw new IllegalArgumentException("cannot read an I32 tensor as floats");
        }
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, int[] dst, int dstOffset, int length) {
        CpuTensor t = own(src, "src");
        checkRange(t, srcOffset, length);
        if (!(t instanceof CpuTensor.I32 i)) throw new IllegalArgumentException("ints come from I32 tensors, src is " + t.dtype());
        System.arraycopy(i.data(), i.offset() + (int) srcOffset, dst, dstOffset, length);
    }

    @Override
    public void copy(Tensor src, long srcOffset, Tensor dst, long dstOffset, long length) {
        CpuTensor s = own(src, "src");
        CpuTensor d = own(dst, "dst");
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("copy between " + s.dtype() + " and " + d.dtype());
        checkRange(s, srcOffset, length);
        checkRange(d, dstOffset, length);
        int n = (int) length;
        int from = s.offset() + (int) srcOffset;
        int to = d.offset() + (int) dstOffset;
        switch (s) {
            case CpuTensor.F32 f -> {
                packedWeights.forget(((CpuTensor.F32) d).data());
                System.arraycopy(f.data(), from, ((CpuTensor.F32) d).data(), to, n);
            }
            case CpuTensor.Bf16 h -> {
                packedWeights.forget(((CpuTensor.Bf16) d).data());
                System.arraycopy(h.data(), from, ((CpuTensor.Bf16) d).data(), to, n);
            }
            case CpuTensor.I32 i -> System.arraycopy(i.data(), from, ((CpuTensor.I32) d).data(), to, n);
        }
    }

    @Override
    public Kernels kernels() {
        ensureOpen();
        return kernels;
    }

    @Override
    public void synchronize() {
        // kernels run synchronously
    }

    @Override
    public MemoryInfo memoryInfo() {
        return new MemoryInfo(allocated, peak, Runtime.getRuntime().maxMemory());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        parallel.close();
        allocated = 0;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("cpu device is closed");
    }

    private CpuTensor own(Tensor t, String name) {
        if (t instanceof CpuTensor c && c.device() == this) return c;
        throw new IllegalArgumentException(name + " is not a tensor of this cpu device: " + t);
    }

    private static void checkRange(CpuTensor t, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > t.size()) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside tensor of "
                    + t.size() + " elements");
        }
    }

    private static int elementCount(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has " + n
                    + " elements; the cpu backend holds at most 2^31 elements per tensor");
        }
        return (int) n;
    }
}
