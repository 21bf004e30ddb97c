package com.mka1.backend.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;

/** Times work queued on a stream with a pair of CUDA events (GPU time, not host time). */
final class GpuTimer implements AutoCloseable {
    private final CUstream stream;
    private final CUevent start = new CUevent();
    private final CUevent end = new CUevent();

    GpuTimer(CUstream stream) {
        this.stream = stream;
        CudaException.check(cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        CudaException.check(cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
    }

    /** Queues {@code work}, waits for it, and returns the GPU milliseconds between its first and last kernel. */
    float time(Runnable work) {
        CudaException.check(cuEventRecord(start, stream), "cuEventRecord");
        work.run();
        CudaException.check(cuEventRecord(end, stream), "cuEventRecord");
        CudaException.check(cuEventSynchronize(end), "cuEventSynchronize");
        float[] millis = new float[1];
        CudaException.check(cuEventElapsedTime(millis, start, end), "cuEventElapsedTime");
        return millis[0];
    }

    @Override
    public void close() {
        cuEventDestroy(start);
        cuEventDestroy(end);
    }
}
