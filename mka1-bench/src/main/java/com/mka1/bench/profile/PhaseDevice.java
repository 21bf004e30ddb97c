package com.mka1.bench.profile;

import com.mka1.backend.cpu.CpuProfiling;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.MemoryInfo;
import com.mka1.spi.Tensor;
import java.util.EnumMap;
import java.util.Map;

/**
 * A device whose kernels are clocked per {@link Phase} during {@link #profile}, for code that takes
 * a device (the engine's LlamaModel); outside a profiled step the kernels pass straight through.
 * Packing is read from a cpu device opened with {@code cpu.profile=true} ({@link CpuProfiling}).
 */
public final class PhaseDevice implements ComputeDevice {
    private final ComputeDevice inner;
    private final PhaseKernels kernels;

    public PhaseDevice(ComputeDevice inner) {
        this.inner = inner;
        this.kernels = new PhaseKernels(inner.kernels());
    }

    /**
     * Runs one step ({@code modelStep}: gradients, forward and backward through this device's
     * kernels; then {@code optimizerStep}) and returns milliseconds per phase; the phases add up to
     * the step's wall time.
     */
    public Map<Phase, Double> profile(Runnable modelStep, Runnable optimizerStep) {
        kernels.reset();
        long packing0 = CpuProfiling.packingNanos(inner).orElse(0);
        kernels.enabled = true;
        long start = System.nanoTime();
        try {
            modelStep.run();
        } finally {
            kernels.enabled = false;
        }
        long modelEnd = System.nanoTime();
        optimizerStep.run(); // AdamW calls its parameters' own device: the whole call is the optimizer
        long end = System.nanoTime();
        double packing = (CpuProfiling.packingNanos(inner).orElse(0) - packing0) / (double) CpuProfiling.threads(inner);
        Map<Phase, Double> ms = new EnumMap<>(Phase.class);
        long inKernels = 0;
        for (Phase p : Phase.values()) inKernels += kernels.nanos(p);
        ms.put(Phase.MATMUL, (kernels.nanos(Phase.MATMUL) - packing) / 1e6);
        ms.put(Phase.PACKING, packing / 1e6);
        ms.put(Phase.ATTENTION, kernels.nanos(Phase.ATTENTION) / 1e6);
        ms.put(Phase.NORMS_ELEMENTWISE, kernels.nanos(Phase.NORMS_ELEMENTWISE) / 1e6);
        ms.put(Phase.LOSS, kernels.nanos(Phase.LOSS) / 1e6);
        ms.put(Phase.OPTIMIZER, (end - modelEnd + kernels.nanos(Phase.OPTIMIZER)) / 1e6);
        ms.put(Phase.FRAMEWORK, (modelEnd - start - inKernels) / 1e6);
        return ms;
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
