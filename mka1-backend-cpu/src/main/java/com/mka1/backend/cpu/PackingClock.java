package com.mka1.backend.cpu;

import java.util.concurrent.atomic.LongAdder;

/**
 * Thread time spent packing matmul operands, summed over threads; off (two untaken branches per
 * packed block) unless the device was opened with {@link CpuBackend#PROFILE_OPTION}.
 */
final class PackingClock {
    private final boolean on;
    private final LongAdder nanos = new LongAdder();

    PackingClock(boolean on) {
        this.on = on;
    }

    long start() {
        return on ? System.nanoTime() : 0;
    }

    void stop(long start) {
        if (on) nanos.add(System.nanoTime() - start);
    }

    boolean on() {
        return on;
    }

    long nanos() {
        return nanos.sum();
    }
}
