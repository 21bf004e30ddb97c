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
 * ({@link CpuProfiling}).
 */
public final class CpuBackend implements ComputeBackend {
    /** Backend name used for selection. */
    public static final String NAME = "cpu";
    /** Extra option that disables the Vector API when set to "false". */
    public static final String SIMD_OPTION = "cpu.simd";
    /** Extra option that, set to "true", clocks matmul packing for {@link CpuProfiling} (benchmarks). */
    public static final String PROFILE_OPTION = "cpu.profile";

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
        return new CpuDevice(VectorApiSupport.select(simd), options.resolvedThreads(), new PackingClock(profile));
    }
}
