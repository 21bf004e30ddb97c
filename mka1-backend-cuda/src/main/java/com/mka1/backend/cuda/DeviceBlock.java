package com.mka1.backend.cuda;

import jcuda.driver.CUdeviceptr;

/** One allocation from the driver: a device address and the bytes it spans (its size class). */
record DeviceBlock(CUdeviceptr pointer, long capacity) {
    /** The address {@code bytes} past the start. */
    CUdeviceptr at(long bytes) {
        return bytes == 0 ? pointer : pointer.withByteOffset(bytes);
    }
}
