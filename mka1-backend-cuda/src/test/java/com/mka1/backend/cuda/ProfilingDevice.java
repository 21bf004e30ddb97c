package com.mka1.backend.cuda;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.MemoryInfo;
import com.mka1.spi.Tensor;

/** A device whose kernels are {@link ProfilingKernels}: profiles code that takes a device (LlamaModel). */
final class ProfilingDevice implements ComputeDevice {
    private final ComputeDevice inner;
    private final ProfilingKernels kernels;

    ProfilingDevice(ComputeDevice inner) {
        this.inner = inner;
        this.kernels = new ProfilingKernels(inner);
    }

    String report() {
        return kernels.report();
    }

    @Override public String backendName() { return inner.backendName(); }
    @Override public String description() { return inner.description(); }
    @Override public Tensor allocate(DType dtype, int... shape) { return inner.allocate(dtype, shape); }
    @Override public Tensor view(Tensor base, long offset, int... shape) { return inner.view(base, offset, shape); }
    @Override public void free(Tensor tensor) { inner.free(tensor); }
    @Override public void copyFromHost(float[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        inner.copyFromHost(src, srcOffset, dst, dstOffset, length);
    }
    @Override public void copyFromHost(int[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        inner.copyFromHost(src, srcOffset, dst, dstOffset, length);
    }
    @Override public void copyFromHostBf16(short[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        inner.copyFromHostBf16(src, srcOffset, dst, dstOffset, length);
    }
    @Override public void copyToHost(Tensor src, long srcOffset, float[] dst, int dstOffset, int length) {
        inner.copyToHost(src, srcOffset, dst, dstOffset, length);
    }
    @Override public void copyToHost(Tensor src, long srcOffset, int[] dst, int dstOffset, int length) {
        inner.copyToHost(src, srcOffset, dst, dstOffset, length);
    }
    @Override public void copy(Tensor src, long srcOffset, Tensor dst, long dstOffset, long length) {
        inner.copy(src, srcOffset, dst, dstOffset, length);
    }
    @Override public Kernels kernels() { return kernels; }
    @Override public void synchronize() { inner.synchronize(); }
    @Override public MemoryInfo memoryInfo() { return inner.memoryInfo(); }
    @Override public void close() {} // the inner device belongs to the caller
}
