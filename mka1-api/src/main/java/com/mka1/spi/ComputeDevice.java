package com.mka1.spi;

/**
 * One opened device: owns tensors and exposes {@link Kernels} over them. Not thread-safe: one
 * training or generation loop drives a device at a time. Closing frees every tensor.
 *
 * <p>Host copies are the only way data enters or leaves. Offsets and lengths are in elements.
 * A BF16 tensor is filled from host {@code short} bit patterns (or from floats, rounded to
 * nearest even); an I32 tensor from {@code int}s.
 */
public interface ComputeDevice extends AutoCloseable {
    /** Name of the backend that opened this device. */
    String backendName();

    /** A human description of the hardware ("AVX-512, 16 float lanes, 2 threads"). */
    String description();

    /** Allocates a zero-filled tensor. */
    Tensor allocate(DType dtype, int... shape);

    /**
     * A view of {@code length = product(shape)} elements of {@code base} starting at element
     * {@code offset}; it shares storage and is valid while {@code base} is.
     */
    Tensor view(Tensor base, long offset, int... shape);

    /** Frees a tensor's storage (views of it become invalid). Freeing a view is a no-op. */
    void free(Tensor tensor);

    void copyFromHost(float[] src, int srcOffset, Tensor dst, long dstOffset, int length);

    void copyFromHost(int[] src, int srcOffset, Tensor dst, long dstOffset, int length);

    /** Fills a BF16 tensor from raw bfloat16 bit patterns. */
    void copyFromHostBf16(short[] src, int srcOffset, Tensor dst, long dstOffset, int length);

    /** Reads F32 or BF16 elements as floats. */
    void copyToHost(Tensor src, long srcOffset, float[] dst, int dstOffset, int length);

    void copyToHost(Tensor src, long srcOffset, int[] dst, int dstOffset, int length);

    /** Device-to-device copy between tensors of the same dtype. */
    void copy(Tensor src, long srcOffset, Tensor dst, long dstOffset, long length);

    /** The kernels of this device. */
    Kernels kernels();

    /** Blocks until all queued work has finished (a no-op for synchronous backends). */
    void synchronize();

    MemoryInfo memoryInfo();

    @Override
    void close();

    /** Convenience: a new F32 tensor holding {@code data}. */
    default Tensor upload(float[] data, int... shape) {
        Tensor t = allocate(DType.F32, shape);
        copyFromHost(data, 0, t, 0, data.length);
        return t;
    }

    /** Convenience: a new I32 tensor holding {@code data}. */
    default Tensor upload(int[] data, int... shape) {
        Tensor t = allocate(DType.I32, shape);
        copyFromHost(data, 0, t, 0, data.length);
        return t;
    }

    /** Convenience: all elements of an F32 or BF16 tensor as floats. */
    default float[] download(Tensor t) {
        float[] out = new float[Math.toIntExact(t.size())];
        copyToHost(t, 0, out, 0, out.length);
        return out;
    }
}
