package com.mka1.backend.cuda;

/** Temporary device memory for kernels that need scratch space, and scalar read-back. */
interface Workspace {
    DeviceBlock acquire(long bytes);

    /** Returns a block; work already queued on the stream may still use it. */
    void release(DeviceBlock block);

    /** Waits for queued work and writes {@code values} at the start of {@code block}. */
    void write(DeviceBlock block, long[] values);

    /** Waits for queued work and reads the double at the start of {@code block}. */
    double readDouble(DeviceBlock block);
}
