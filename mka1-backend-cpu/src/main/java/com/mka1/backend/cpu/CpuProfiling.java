package com.mka1.backend.cpu;

import com.mka1.spi.ComputeDevice;
import java.util.OptionalLong;

/**
 * Read-out of a cpu device opened with {@link CpuBackend#PROFILE_OPTION}{@code =true}, for the
 * benchmarks' per-phase breakdown: the time inside matmul calls that went to packing operands.
 */
public final class CpuProfiling {
    private CpuProfiling() {}

    /**
     * Thread nanoseconds spent packing matmul operands since the device opened (summed over its
     * threads; divide by {@link #threads} for wall time when all threads pack), or empty when
     * {@code device} is not a profiling cpu device.
     */
    public static OptionalLong packingNanos(ComputeDevice device) {
        return device instanceof CpuDevice cpu && cpu.packingClock().on()
                ? OptionalLong.of(cpu.packingClock().nanos()) : OptionalLong.empty();
    }

    /** Bytes of frozen BF16 weights a cpu device holds packed as F32 ({@link CpuBackend#PACKED_WEIGHT_BYTES_OPTION}); 0 for any other device. */
    public static long packedWeightBytes(ComputeDevice device) {
        return device instanceof CpuDevice cpu ? cpu.packedWeightBytes() : 0;
    }

    /** The worker threads of a cpu device, or 1 for any other device. */
    public static int threads(ComputeDevice device) {
        return device instanceof CpuDevice cpu ? cpu.threads() : 1;
    }
}
