package com.mka1.core.compute;

import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.BackendUnavailableException;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendsTest {
    /** A backend that is installed but cannot run, as a GPU backend on a machine without a GPU. */
    private record Absent(String name, int priority) implements ComputeBackend {
        @Override
        public Availability probe() {
            return new Availability.Unavailable("no NVIDIA driver (libcuda.so.1 not found)");
        }

        @Override
        public ComputeDevice open(BackendOptions options) {
            throw new BackendUnavailableException("cannot open " + name);
        }
    }

    private final Backends backends = new Backends(List.of(new ReferenceBackend(), new Absent("cuda", 200)));

    @Test
    void serviceLoaderFindsTheReferenceBackend() {
        assertThat(Backends.installed().all()).extracting(ComputeBackend::name).contains("reference");
        try (ComputeDevice device = Backends.installed().open("reference", BackendOptions.defaults())) {
            assertThat(device.backendName()).isEqualTo("reference");
        }
    }

    @Test
    void bestSkipsUnavailableBackendsOfHigherPriority() {
        assertThat(backends.all()).extracting(ComputeBackend::name).containsExactly("cuda", "reference");
        assertThat(backends.best().name()).isEqualTo("reference");
        assertThat(backends.select(null, Map.of()).name()).isEqualTo("reference");
    }

    @Test
    void requestedNameWinsOverTheEnvironment() {
        assertThat(backends.select(" reference ", Map.of(Backends.ENV_VAR, "cuda")).name()).isEqualTo("reference");
        assertThatThrownBy(() -> backends.select("", Map.of(Backends.ENV_VAR, "cuda")))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("compute backend 'cuda' is not available: no NVIDIA driver (libcuda.so.1 not found)");
    }

    @Test
    void theDescriptionNamesTheModeAndWhyHigherPriorityBackendsWereSkipped() {
        try (ComputeDevice device = backends.best().open(BackendOptions.defaults())) {
            assertThat(backends.describe(device)).isEqualTo("reference (plain Java reference, double precision, 1 thread); "
                    + "cuda skipped: no NVIDIA driver (libcuda.so.1 not found)");
        }
    }

    @Test
    void unknownNameListsInstalledBackends() {
        assertThatThrownBy(() -> backends.byName("tpu"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("unknown compute backend 'tpu'; installed: cuda, reference");
    }
}
