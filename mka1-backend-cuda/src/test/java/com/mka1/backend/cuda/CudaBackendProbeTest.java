package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.mka1.core.compute.Backends;
import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.BackendUnavailableException;
import com.mka1.spi.ComputeBackend;

/** Behaviour on machines without an NVIDIA driver (the build machines and most laptops); with one: CudaSelectionGpuTest. */
class CudaBackendProbeTest {

    @Test
    void isNamedCudaAndOutranksTheCpuBackend() {
        CudaBackend backend = new CudaBackend();
        assertThat(backend.name()).isEqualTo("cuda");
        assertThat(backend.priority()).isEqualTo(200);
    }

    @Test
    void withoutADriverTheProbeSaysWhyAndDoesNotThrow() {
        assumeFalse(GpuPresence.nvidiaDriverLoaded(), "this machine has an NVIDIA driver");
        Availability first = new CudaBackend().probe();
        Availability second = new CudaBackend().probe(); // JCudaDriver's class init has already failed once
        for (Availability availability : List.of(first, second)) {
            assertThat(availability).isInstanceOf(Availability.Unavailable.class);
            assertThat(((Availability.Unavailable) availability).reason())
                    .startsWith("NVIDIA driver not found (libcuda.so.1)");
        }
    }

    @Test
    void withoutADriverOpenFailsWithTheProbeReason() {
        assumeFalse(GpuPresence.nvidiaDriverLoaded(), "this machine has an NVIDIA driver");
        assertThatThrownBy(() -> new CudaBackend().open(BackendOptions.defaults()))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("cuda backend unavailable: NVIDIA driver not found (libcuda.so.1)");
    }

    @Test
    void withoutADriverSelectionPicksTheCpuBackendAndNamingCudaSaysWhy() {
        assumeFalse(GpuPresence.nvidiaDriverLoaded(), "this machine has an NVIDIA driver");
        Backends installed = Backends.installed(); // cuda, cpu and reference are on this class path
        assertThat(installed.all()).extracting(ComputeBackend::name).containsExactly("cuda", "cpu", "reference");
        assertThat(installed.select(null, Map.of()).name()).isEqualTo("cpu");
        assertThatThrownBy(() -> installed.select(null, Map.of(Backends.ENV_VAR, "cuda")))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("compute backend 'cuda' is not available: NVIDIA driver not found (libcuda.so.1)");
    }

    @Test
    void classifiesLinkErrors() {
        assertThat(CudaProbe.reasonFor(new UnsatisfiedLinkError(
                "Error while loading native library \"JCudaDriver-12.0.0-linux-x86_64\"\nlibcuda.so.1: cannot open")))
                .isEqualTo("NVIDIA driver not found (libcuda.so.1): Error while loading native library "
                        + "\"JCudaDriver-12.0.0-linux-x86_64\"");
        assertThat(CudaProbe.reasonFor(new UnsatisfiedLinkError("no jcuda natives in java.library.path")))
                .isEqualTo("JCuda native library could not be loaded: no jcuda natives in java.library.path");
    }

    @Test
    void describesTheDevice() {
        assertThat(CudaProbe.describe("NVIDIA H100 80GB HBM3", 9, 0, 80L << 30, 85L << 30, 13000))
                .isEqualTo("NVIDIA H100 80GB HBM3 (sm_90, 80.0 GiB free of 85.0 GiB, CUDA driver 13.0)");
    }
}
