package com.mka1.core.compute;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

import java.util.Arrays;

/**
 * A reference-backend tensor: a window of {@code size} doubles in a shared {@link Storage},
 * starting at {@code offset}. Every dtype is held as double (BF16 values already rounded).
 */
final class ReferenceTensor implements Tensor {
    /** The backing array of an allocation and its views; freed once the root is freed. */
    static final class Storage {
        private double[] data;

        Storage(long elements) {
            this.data = new double[Math.toIntExact(elements)];
        }

        double[] data() {
            if (data == null) throw new IllegalStateException("tensor used after it was freed");
            return data;
        }

        void release() {
            data = null;
        }
    }

    private final ReferenceDevice device;
    private final DType dtype;
    private final int[] shape;
    private final long size;
    private final Storage storage;
    private final int offset;
    private final boolean view;

    ReferenceTensor(ReferenceDevice device, DType dtype, int[] shape, Storage storage, long offset, boolean view) {
        this.device = device;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = elements(shape);
        this.storage = storage;
        this.offset = Math.toIntExact(offset);
        this.view = view;
    }

    static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    /** The backing array; element {@code i} of this tensor is {@code data()[offset() + i]}. */
    double[] data() {
        return storage.data();
    }

    int offset() {
        return offset;
    }

    Storage storage() {
        return storage;
    }

    boolean isView() {
        return view;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ComputeDevice device() {
        return device;
    }

    @Override
    public String toString() {
        return "ReferenceTensor[" + dtype + " " + Arrays.toString(shape) + (view ? " view@" + offset : "") + "]";
    }
}
