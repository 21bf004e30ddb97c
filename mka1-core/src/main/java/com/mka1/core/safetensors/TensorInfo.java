package com.mka1.core.safetensors;

import java.util.Arrays;

/**
 * One tensor's header entry: its dtype, shape and byte range within the data section.
 */
public record TensorInfo(String name, StoredDType dtype, int[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long elements() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Throws {@link TensorShapeException} unless the shape is exactly {@code expected}. */
    public void requireShape(int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new TensorShapeException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", the config implies " + Arrays.toString(expected));
        }
    }
}
