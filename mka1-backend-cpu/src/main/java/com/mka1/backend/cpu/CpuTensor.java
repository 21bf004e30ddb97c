package com.mka1.backend.cpu;

import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

/**
 * A CPU tensor: a heap array of its dtype plus the element offset where this tensor (or view)
 * starts. Views share the array of their base.
 */
sealed interface CpuTensor extends Tensor permits CpuTensor.F32, CpuTensor.Bf16, CpuTensor.I32 {

    /** First element of this tensor in its backing array. */
    int offset();

    /** Whether this tensor owns its array (false for views). */
    boolean owner();

    @Override
    CpuDevice device();

    /** Number of elements: the product of the shape. */
    @Override
    default long size() {
        long n = 1;
        for (int d : shapeRef()) n *= d;
        return n;
    }

    @Override
    default int[] shape() {
        return shapeRef().clone();
    }

    /** The shape array itself, for reading inside the backend without a copy. */
    int[] shapeRef();

    /** F32 storage. */
    record F32(CpuDevice device, float[] data, int offset, int[] shapeRef, boolean owner) implements CpuTensor {
        @Override
        public DType dtype() {
            return DType.F32;
        }
    }

    /** BF16 storage as raw bit patterns (frozen weights). */
    record Bf16(CpuDevice device, short[] data, int offset, int[] shapeRef, boolean owner) implements CpuTensor {
        @Override
        public DType dtype() {
            return DType.BF16;
        }
    }

    /** I32 storage (token ids, targets, positions). */
    record I32(CpuDevice device, int[] data, int offset, int[] shapeRef, boolean owner) implements CpuTensor {
        @Override
        public DType dtype() {
            return DType.I32;
        }
    }
}
