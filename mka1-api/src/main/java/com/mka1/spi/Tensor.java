package com.mka1.spi;

/**
 * A handle to a dense, row-major buffer owned by a {@link ComputeDevice}. The data never leaves
 * the backend except through the device's copy methods; kernels of the same device accept it.
 * A tensor may be a view (see {@link ComputeDevice#view}) sharing storage with another.
 */
public interface Tensor {
    /** Element type. */
    DType dtype();

    /** Shape, outermost dimension first (a copy; callers may not modify the tensor through it). */
    int[] shape();

    /** Number of elements (product of the shape). */
    long size();

    /** The device that owns this tensor. */
    ComputeDevice device();
}
