package com.mka1.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/**
 * A caching allocator over {@code cuMemAlloc}: sizes are rounded to a size class, released
 * blocks wait in a free list for the next request of that class, and the cache is emptied and
 * the request retried when the driver runs out of memory. All work runs on one stream, so a
 * block released while queued kernels still read it is only reused by later work on that stream.
 */
final class DevicePool {
    private static final long MIN_BLOCK = 512;
    private static final long LARGE = 1L << 20;
    private static final long LARGE_GRANULE = 2L << 20;

    private final Map<Long, ArrayDeque<DeviceBlock>> cached = new HashMap<>();
    private long reservedBytes;
    private long cachedBytes;

    /** The size class of a request: powers of two up to 1 MiB, then multiples of 2 MiB. */
    static long sizeClass(long bytes) {
        if (bytes <= MIN_BLOCK) return MIN_BLOCK;
        if (bytes <= LARGE) return Long.highestOneBit(bytes - 1) << 1;
        return (bytes + LARGE_GRANULE - 1) / LARGE_GRANULE * LARGE_GRANULE;
    }

    DeviceBlock acquire(long bytes) {
        long size = sizeClass(bytes);
        ArrayDeque<DeviceBlock> free = cached.get(size);
        if (free != null && !free.isEmpty()) {
            cachedBytes -= size;
            return free.pop();
        }
        CUdeviceptr pointer = new CUdeviceptr();
        int result = cuMemAlloc(pointer, size);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY && cachedBytes > 0) {
            releaseCached();
            result = cuMemAlloc(pointer, size);
        }
        CudaException.check(result, "cuMemAlloc(" + size + " bytes)");
        reservedBytes += size;
        return new DeviceBlock(pointer, size);
    }

    void release(DeviceBlock block) {
        cached.computeIfAbsent(block.capacity(), c -> new ArrayDeque<>()).push(block);
        cachedBytes += block.capacity();
    }

    /** Returns every cached block to the driver. */
    void releaseCached() {
        for (ArrayDeque<DeviceBlock> free : cached.values()) {
            for (DeviceBlock block : free) {
                CudaException.check(cuMemFree(block.pointer()), "cuMemFree");
                reservedBytes -= block.capacity();
            }
        }
        cached.clear();
        cachedBytes = 0;
    }

    /** Bytes held from the driver, live and cached. */
    long reservedBytes() {
        return reservedBytes;
    }
}
