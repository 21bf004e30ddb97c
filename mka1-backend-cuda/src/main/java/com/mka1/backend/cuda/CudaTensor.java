package com.mka1.backend.cuda;

import java.util.Arrays;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

import jcuda.driver.CUdeviceptr;

/**
 * A tensor in device memory: a block of the pool (shared with views) and an element offset.
 */
final class CudaTensor implements Tensor {
    private final CudaDevice device;
    private final DeviceBlock block;
    private final long offset;
    private final DType dtype;
    private final int[] shape;
    private final long size;
    private final CudaTensor base;
    private boolean freed;

    CudaTensor(CudaDevice device, DeviceBlock block, long offset, DType dtype, int[] shape, CudaTensor base) {
        this.device = device;
        this.block = block;
        this.offset = offset;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = elementCount(shape);
        this.base = base;
    }

    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
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

    DeviceBlock block() {
        return block;
    }

    long offset() {
        return offset;
    }

    /** The tensor that owns the storage of this view. */
    CudaTensor root() {
        return base;
    }

    boolean isView() {
        return base != null;
    }

    /** The device address of element {@code index} of this tensor. */
    CUdeviceptr pointer(long index) {
        checkLive();
        return block.at((offset + index) * dtype.bytes());
    }

    /** The device address of the first element. */
    CUdeviceptr pointer() {
        return pointer(0);
    }

    void markFreed() {
        freed = true;
    }

    void checkLive() {
        if (freed || (base != null && base.freed)) {
            throw new IllegalStateException("tensor " + this + " was freed");
        }
    }

    @Override
    public String toString() {
        return "CudaTensor" + Arrays.toString(shape) + " " + dtype + (isView() ? " view@" + offset : "");
    }
}
