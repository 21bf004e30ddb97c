package com.mka1.backend.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mka1.spi.Bf16;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.MemoryInfo;
import com.mka1.spi.Tensor;

import jcuda.Pointer;

/**
 * One GPU opened through the driver API: its primary context, one stream that every kernel and
 * device-to-device copy is queued on, a caching allocator, and the PTX kernels. Host copies wait
 * for queued work first, so they are the synchronisation points (batch and checkpoint
 * boundaries in a training loop).
 */
final class CudaDevice implements ComputeDevice, Workspace {
    private static final Logger log = LoggerFactory.getLogger(CudaDevice.class);

    private final String description;
    private final CudaContext context;
    private final DevicePool pool = new DevicePool();
    private final DriverLauncher launcher;
    private final CudaKernels kernels;
    private final CublasLtGemm gemm;
    private final Set<DeviceBlock> liveBlocks = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long totalBytes;
    private long allocatedBytes;
    private long peakBytes;
    private boolean closed;

    CudaDevice(int ordinal, String hardware, BackendOptions options) {
        this.context = new CudaContext(ordinal);
        MatmulPath matmulPath;
        boolean flash;
        try {
            matmulPath = MatmulPath.choose(options.extra().get(MatmulPath.OPTION), context.computeCapability());
            flash = FlashAttention.requested(options.extra().get(FlashAttention.OPTION));
            if (flash && context.computeCapability() < FlashAttention.MIN_COMPUTE_CAPABILITY) {
                throw new IllegalArgumentException(FlashAttention.OPTION + "=flash needs compute capability 8.0, this GPU has "
                        + context.computeCapability() / 10 + "." + context.computeCapability() % 10);
            }
        } catch (IllegalArgumentException e) {
            context.close();
            throw e;
        }
        GemmEngine engine;
        try {
            engine = GemmEngine.select(options.extra().get(GemmEngine.OPTION),
                    () -> CublasLtLocator.locate(CublasLtLocator.Places.system()), CublasLtApi::load);
        } catch (IllegalArgumentException e) {
            context.close();
            throw e;
        }
        CublasLtGemm started = null;
        if (engine.api() != null) {
            try {
                started = new CublasLtGemm(engine.api(), context, this);
            } catch (RuntimeException e) { // e.g. a CUDA 13 cuBLASLt on a CUDA 12 driver
                log.warn("cuBLASLt ({}) failed to start, matmul runs on the mka1 kernels: {}", engine.api().library(), e.getMessage());
                engine.api().close();
                engine = GemmEngine.kernels("cuBLASLt failed to start: " + e.getMessage());
            }
        }
        this.gemm = started;
        this.description = hardware + ", matmul " + matmulPath.optionValue() + ", " + engine.description()
                + (flash ? ", flash attention" : "");
        this.launcher = new DriverLauncher(context);
        this.kernels = new CudaKernels(this, launcher, this, matmulPath, gemm, flash ? context.maxSharedMemoryOptin() : 0);
        long[] total = new long[1];
        CudaException.check(cuDeviceTotalMem(total, context.device()), "cuDeviceTotalMem");
        this.totalBytes = total[0];
        log.info("opened CUDA device {}: {}", ordinal, description);
    }

    @Override
    public String backendName() {
        return CudaBackend.NAME;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Tensor allocate(DType dtype, int... shape) {
        checkOpen();
        context.bind();
        long bytes = CudaTensor.elementCount(shape) * dtype.bytes();
        DeviceBlock block = pool.acquire(Math.max(bytes, 1));
        liveBlocks.add(block);
        allocatedBytes += bytes;
        peakBytes = Math.max(peakBytes, allocatedBytes);
        if (bytes > 0) CudaException.check(cuMemsetD8Async(block.pointer(), (byte) 0, bytes, context.stream()), "cuMemsetD8Async");
        return new CudaTensor(this, block, 0, dtype, shape, null);
    }

    @Override
    public Tensor view(Tensor base, long offset, int... shape) {
        CudaTensor b = own(base, "base");
        long length = CudaTensor.elementCount(shape);
        if (offset < 0 || offset + length > b.size()) {
            throw new IllegalArgumentException("view of " + length + " elements at " + offset + " exceeds " + b);
        }
        CudaTensor root = b.isView() ? b.root() : b;
        return new CudaTensor(this, b.block(), b.offset() + offset, b.dtype(), shape, root);
    }

    @Override
    public void free(Tensor tensor) {
        CudaTensor t = own(tensor, "tensor");
        if (t.isView()) return;
        t.checkLive();
        t.markFreed();
        liveBlocks.remove(t.block());
        allocatedBytes -= t.size() * t.dtype().bytes();
        pool.release(t.block());
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        CudaTensor d = range(dst, dstOffset, length, "dst");
        if (d.dtype() == DType.BF16) {
            short[] bits = new short[length];
            for (int i = 0; i < length; i++) bits[i] = Bf16.fromFloat(src[srcOffset + i]);
            copyFromHostBf16(bits, 0, dst, dstOffset, length);
            return;
        }
        requireType(d, DType.F32, "dst");
        toDevice(d, dstOffset, Pointer.to(src).withByteOffset((long) srcOffset * Float.BYTES), (long) length * Float.BYTES);
    }

    @Override
    public void copyFromHost(int[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        CudaTensor d = requireType(range(dst, dstOffset, length, "dst"), DType.I32, "dst");
        toDevice(d, dstOffset, Pointer.to(src).withByteOffset((long) srcOffset * Integer.BYTES), (long) length * Integer.BYTES);
    }

    @Override
    public void copyFromHostBf16(short[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        CudaTensor d = requireType(range(dst, dstOffset, length, "dst"), DType.BF16, "dst");
        toDevice(d, dstOffset, Pointer.to(src).withByteOffset((long) srcOffset * Short.BYTES), (long) length * Short.BYTES);
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, float[] dst, int dstOffset, int length) {
        CudaTensor s = range(src, srcOffset, length, "src");
        if (s.dtype() == DType.BF16) {
            short[] bits = new short[length];
            toHost(s, srcOffset, Pointer.to(bits), (long) length * Short.BYTES);
            for (int i = 0; i < length; i++) dst[dstOffset + i] = Bf16.toFloat(bits[i]);
            return;
        }
        requireType(s, DType.F32, "src");
        toHost(s, srcOffset, Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES), (long) length * Float.BYTES);
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, int[] dst, int dstOffset, int length) {
        CudaTensor s = requireType(range(src, srcOffset, length, "src"), DType.I32, "src");
        toHost(s, srcOffset, Pointer.to(dst).withByteOffset((long) dstOffset * Integer.BYTES), (long) length * Integer.BYTES);
    }

    @Override
    public void copy(Tensor src, long srcOffset, Tensor dst, long dstOffset, long length) {
        CudaTensor s = range(src, srcOffset, length, "src"), d = range(dst, dstOffset, length, "dst");
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("copy from " + s.dtype() + " to " + d.dtype());
        if (length == 0) return;
        context.bind();
        CudaException.check(cuMemcpyDtoDAsync(d.pointer(dstOffset), s.pointer(srcOffset), length * s.dtype().bytes(),
                context.stream()), "cuMemcpyDtoDAsync");
    }

    @Override
    public Kernels kernels() {
        checkOpen();
        context.bind();
        return kernels;
    }

    @Override
    public void synchronize() {
        checkOpen();
        context.bind();
        context.synchronize();
    }

    @Override
    public MemoryInfo memoryInfo() {
        return new MemoryInfo(allocatedBytes, peakBytes, totalBytes);
    }

    /** Bytes held from the driver, including the allocator's cache. */
    long reservedBytes() {
        return pool.reservedBytes();
    }

    /** Queues {@code work} and returns its GPU time in milliseconds, measured with CUDA events. */
    float timeMillis(Runnable work) {
        checkOpen();
        context.bind();
        try (GpuTimer timer = new GpuTimer(context.stream())) {
            return timer.time(work);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        context.bind();
        context.synchronize();
        if (gemm != null) gemm.close();
        launcher.close();
        for (DeviceBlock block : liveBlocks) cuMemFree(block.pointer());
        liveBlocks.clear();
        pool.releaseCached();
        context.close();
        closed = true;
        log.info("closed CUDA device: {}", description);
    }

    // ---- Workspace -----------------------------------------------------------------------

    @Override
    public DeviceBlock acquire(long bytes) {
        context.bind();
        DeviceBlock block = pool.acquire(bytes);
        liveBlocks.add(block);
        return block;
    }

    @Override
    public void release(DeviceBlock block) {
        liveBlocks.remove(block);
        pool.release(block);
    }

    @Override
    public void write(DeviceBlock block, long[] values) {
        if (values.length == 0) return;
        context.bind();
        context.synchronize();
        CudaException.check(cuMemcpyHtoD(block.pointer(), Pointer.to(values), (long) values.length * Long.BYTES), "cuMemcpyHtoD");
    }

    @Override
    public double readDouble(DeviceBlock block) {
        context.bind();
        context.synchronize();
        double[] value = new double[1];
        CudaException.check(cuMemcpyDtoH(Pointer.to(value), block.pointer(), Double.BYTES), "cuMemcpyDtoH");
        return value[0];
    }

    // ---- helpers -------------------------------------------------------------------------

    private void toDevice(CudaTensor dst, long dstOffset, Pointer host, long bytes) {
        if (bytes == 0) return;
        context.bind();
        context.synchronize();
        CudaException.check(cuMemcpyHtoD(dst.pointer(dstOffset), host, bytes), "cuMemcpyHtoD");
    }

    private void toHost(CudaTensor src, long srcOffset, Pointer host, long bytes) {
        if (bytes == 0) return;
        context.bind();
        context.synchronize();
        CudaException.check(cuMemcpyDtoH(host, src.pointer(srcOffset), bytes), "cuMemcpyDtoH");
    }

    private CudaTensor own(Tensor tensor, String name) {
        checkOpen();
        if (!(tensor instanceof CudaTensor t) || t.device() != this) {
            throw new IllegalArgumentException("tensor '" + name + "' does not belong to this CUDA device: " + tensor);
        }
        return t;
    }

    private CudaTensor range(Tensor tensor, long offset, long length, String name) {
        CudaTensor t = own(tensor, name);
        t.checkLive();
        if (offset < 0 || length < 0 || offset + length > t.size()) {
            throw new IllegalArgumentException("tensor '" + name + "': range [" + offset + ", " + (offset + length)
                    + ") outside " + t.size() + " elements");
        }
        return t;
    }

    private static CudaTensor requireType(CudaTensor t, DType dtype, String name) {
        if (t.dtype() != dtype) throw new IllegalArgumentException("tensor '" + name + "' must be " + dtype + ", is " + t.dtype());
        return t;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CUDA device is closed");
    }
}
