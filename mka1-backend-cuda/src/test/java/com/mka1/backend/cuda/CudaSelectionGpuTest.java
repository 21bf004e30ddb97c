package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.mka1.core.compute.Backends;
import com.mka1.spi.Availability;

/** With a usable GPU the probe names it and selection over the class path picks cuda. */
@Tag("gpu")
class CudaSelectionGpuTest {

    @Test
    void withAGpuTheProbeNamesTheDeviceAndSelectionPicksCuda() {
        Availability availability = new CudaBackend().probe();
        assertThat(availability).isInstanceOf(Availability.Available.class);
        assertThat(((Availability.Available) availability).description())
                .matches(".+ \\(sm_\\d+, \\d+\\.\\d GiB free of \\d+\\.\\d GiB, CUDA driver \\d+\\.\\d+\\)");
        assertThat(Backends.installed().select(null, Map.of()).name()).isEqualTo("cuda");
    }
}
