package com.mka1.backend.cpu;

import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;

/**
 * The "cpu" compute backend: SIMD kernels on the JDK Vector API over all cores, preferred over
 * the reference backend whenever it is present. Always available; without
 * {@code --add-modules jdk.incubator.vector} it runs scalar loops and logs how to enable SIMD.
 *
 * <p>Options: {@link BackendOptions#threads()} (0 = available processors); extra
 * {@code cpu.simd=false} forces the scalar loops; {@code cpu.profile=true} clocks matmul packing
 * ({@link CpuProfiling}); {@code cpu.packedWeightBytes} bounds the frozen weights kept packed;
 * {@code cpu.splitDepth=false} turns off depth-split matmuls.
 */
public final class CpuBackend implements ComputeBackend {
    /** Backend name used for selection. */
    public static final String NAME = "cpu";
    /** Extra option that disables the Vector API when set to "false". */
    public static final String SIMD_OPTION = "cpu.simd";
    /** Extra option that, set to "true", clocks matmul packing for {@link CpuProfiling} (benchmarks). */
    public static final String PROFILE_OPTION = "cpu.profile";
    /**
     * Extra option: bytes of frozen BF16 weights the device may keep widened and packed as F32
     * across calls (each costs twice its BF16 size); default a quarter of the maximum heap, 0 turns it off.
     */
    public static final String PACKED_WEIGHT_BYTES_OPTION = "cpu.packedWeightBytes";
    /**
     * Extra option that, set to "false", keeps matmuls from splitting the depth across threads
     * (each thread then packs all of one operand); for A/B measurements.
     */
    public static final String SPLIT_DEPTH_OPTION = "cpu.splitDepth";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        String simd = VectorApiSupport.moduleResolved() ? "Vector API" : "scalar loops (add --add-modules "
                + VectorApiSupport.MODULE + " for SIMD)";
        return new Availability.Available("CPU, " + Runtime.getRuntime().availableProcessors() + " processors, " + simd);
    }

    @Override
    public ComputeDevice open(BackendOptions options) {
        boolean simd = !"false".equalsIgnoreCase(options.extra().getOrDefault(SIMD_OPTION, "true"));
        boolean profile = "true".equalsIgnoreCase(options.extra().getOrDefault(PROFILE_OPTION, "false"));
        String packed = options.extra().get(PACKED_WEIGHT_BYTES_OPTION);
        long packedBytes = packed == null ? Runtime.getRuntime().maxMemory() / 4 : byteCount(packed);
        boolean splitDepth = !"false".equalsIgnoreCase(options.extra().getOrDefault(SPLIT_DEPTH_OPTION, "true"));
        return new CpuDevice(VectorApiSupport.select(simd), options.resolvedThreads(), new PackingClock(profile),
                new PackedWeights(packedBytes), splitDepth);
    }

    private static long byteCount(String value) {
        try {
            long bytes = Long.parseLong(value.trim());
            if (bytes >= 0) return bytes;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(PACKED_WEIGHT_BYTES_OPTION + " must be a byte count (0 or more), got '" + value + "'");
    }
}
