package com.mka1.core.compute;

import com.mka1.spi.Bf16;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.MemoryInfo;
import com.mka1.spi.Tensor;

import java.util.Arrays;

/**
 * A reference-backend device. Beyond the SPI it offers {@link #writeDoubles} and
 * {@link #readDoubles}, which move values at full double precision (for finite-difference
 * checks and as the exact oracle in backend tests).
 */
public final class ReferenceDevice implements ComputeDevice {
    private final ReferenceKernels kernels = new ReferenceKernels(this);
    private long allocatedBytes;
    private long peakBytes;
    private boolean closed;

    @Override
    public String backendName() {
        return ReferenceBackend.NAME;
    }

    @Override
    public String description() {
        return "plain Java reference, double precision, 1 thread";
    }

    @Override
    public Tensor allocate(DType dtype, int... shape) {
        ensureOpen();
        long n = ReferenceTensor.elements(shape);
        var t = new ReferenceTensor(this, dtype, shape, new ReferenceTensor.Storage(n), 0, false);
        allocatedBytes += n * dtype.bytes();
        peakBytes = Math.max(peakBytes, allocatedBytes);
        return t;
    }

    @Override
    public Tensor view(Tensor base, long offset, int... shape) {
        ReferenceTensor b = own(base);
        long n = ReferenceTensor.elements(shape);
        if (offset < 0 || offset + n > b.size()) {
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + n) + ") of " + Arrays.toString(shape)
                    + " exceeds " + b);
        }
        return new ReferenceTensor(this, b.dtype(), shape, b.storage(), b.offset() + offset, true);
    }

    @Override
    public void free(Tensor tensor) {
        ReferenceTensor t = own(tensor);
        if (t.isView()) return;
        t.data(); // fails on a double free
        t.storage().release();
        allocatedBytes -= t.size() * t.dtype().bytes();
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        ReferenceTensor d = range(dst, dstOffset, length);
        requireFloating(d, "copyFromHost(float[])");
        double[] data = d.data();
        int base = d.offset() + (int) dstOffset;
        boolean bf16 = d.dtype() == DType.BF16;
        for (int i = 0; i < length; i++) {
            float v = src[srcOffset + i];
            data[base + i] = bf16 ? Bf16.round(v) : v;
        }
    }

    @Override
    public void copyFromHost(int[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        ReferenceTensor d = range(dst, dstOffset, length);
        if (d.dtype() != DType.I32) throw new IllegalArgumentException("copyFromHost(int[]) needs an I32 tensor, got " + d);
        double[] data = d.data();
        int base = d.offset() + (int) dstOffset;
        for (int i = 0; i < length; i++) data[base + i] = src[srcOffset + i];
    }

    @Override
    public void copyFromHostBf16(short[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        ReferenceTensor d = range(dst, dstOffset, length);
        if (d.dtype() != DType.BF16) throw new IllegalArgumentException("copyFromHostBf16 needs a BF16 tensor, got " + d);
        double[] data = d.data();
        int base = d.offset() + (int) dstOffset;
        for (int i = 0; i < length; i++) data[base + i] = Bf16.toFloat(src[srcOffset + i]);
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, float[] dst, int dstOffset, int length) {
        ReferenceTensor s = range(src, srcOffset, length);
        requireFloating(s, "copyToHost(float[])");
        double[] data = s.data();
        int base = s.offset() + (int) srcOffset;
        for (int i = 0; i < length; i++) dst[dstOffset + i] = (float) data[base + i];
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, int[] dst, int dstOffset, int length) {
        ReferenceTensor s = range(src, srcOffset, length);
        if (s.dtype() != DType.I32) throw new IllegalArgumentException("copyToHost(int[]) needs an I32 tensor, got " + s);
        double[] data = s.data();
        int base = s.offset() + (int) srcOffset;
        for (int i = 0; i < length; i++) dst[dstOffset + i] = (int) data[base + i];
    }

    @Override
    public void copy(Tensor src, long srcOffset, Tensor dst, long dstOffset, long length) {
        ReferenceTensor s = range(src, srcOffset, length);
        ReferenceTensor d = range(dst, dstOffset, length);
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("copy between " + s + " and " + d);
        System.arraycopy(s.data(), s.offset() + (int) srcOffset, d.data(), d.offset() + (int) dstOffset, (int) length);
    }

    /** Writes doubles without rounding to float (BF16 tensors are still rounded to bf16). */
    public void writeDoubles(Tensor dst, double[] values) {
        ReferenceTensor d = range(dst, 0, values.length);
        double[] data = d.data();
        boolean bf16 = d.dtype() == DType.BF16;
        for (int i = 0; i < values.length; i++) {
            data[d.offset() + i] = bf16 ? Bf16.round((float) values[i]) : values[i];
        }
    }

    /** All elements of a tensor at full double precision. */
    public double[] readDoubles(Tensor src) {
        ReferenceTensor s = own(src);
        return Arrays.copyOfRange(s.data(), s.offset(), s.offset() + Math.toIntExact(s.size()));
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public void synchronize() {}

    @Override
    public MemoryInfo memoryInfo() {
        return new MemoryInfo(allocatedBytes, peakBytes, Runtime.getRuntime().maxMemory());
    }

    @Override
    public void close() {
        closed = true;
    }

    ReferenceTensor own(Tensor tensor) {
        if (!(tensor instanceof ReferenceTensor t) || t.device() != this) {
            throw new IllegalArgumentException("tensor " + tensor + " does not belong to this reference device");
        }
        return t;
    }

    private ReferenceTensor range(Tensor tensor, long offset, long length) {
        ReferenceTensor t = own(tensor);
        if (offset < 0 || length < 0 || offset + length > t.size()) {
            throw new IndexOutOfBoundsException("elements [" + offset + ", " + (offset + length) + ") outside " + t);
        }
        return t;
    }

    private static void requireFloating(ReferenceTensor t, String op) {
        if (t.dtype() == DType.I32) throw new IllegalArgumentException(op + " needs an F32 or BF16 tensor, got " + t);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("reference device is closed");
    }
}
