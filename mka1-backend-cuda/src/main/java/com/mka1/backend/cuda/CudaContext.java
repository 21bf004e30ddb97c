package com.mka1.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * The device's primary context and the one stream all work is queued on. The context is made
 * current on the calling thread before each device operation, because a training loop may move
 * between threads (virtual threads change carriers) and CUDA contexts are per OS thread.
 */
final class CudaContext implements AutoCloseable {
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();

    CudaContext(int ordinal) {
        CudaException.check(cuInit(0), "cuInit");
        CudaException.check(cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        CudaException.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        bind();
        // A blocking stream: ordered with the synchronous host copies on the legacy stream.
        CudaException.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
    }

    CUdevice device() {
        return device;
    }

    /** Compute capability as major * 10 + minor (80 for sm_80). */
    int computeCapability() {
        return attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    }

    /** Shared memory a block may use when a kernel opts in (CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN). */
    int maxSharedMemoryOptin() {
        return attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        CudaException.check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    CUstream stream() {
        return stream;
    }

    void bind() {
        CudaException.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    void synchronize() {
        CudaException.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public void close() {
        bind();
        cuStreamDestroy(stream);
        cuDevicePrimaryCtxRelease(device);
    }
}
