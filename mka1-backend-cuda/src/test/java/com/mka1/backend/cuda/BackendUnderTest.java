package com.mka1.backend.cuda;

import java.util.ServiceLoader;

import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;

/** Opens backends by name from the class path, failing with the reason when one cannot run. */
final class BackendUnderTest {
    private BackendUnderTest() {}

    /** The oracle of the gpu-tagged tests: {@code -Dmka1.test.oracle=NAME}, else mka1-core's "reference". */
    static ComputeDevice openOracle() {
        return open(System.getProperty("mka1.test.oracle", "reference"));
    }

    /** The backend under test: {@code -Dmka1.test.backend=NAME}, else "cuda". */
    static ComputeDevice openUnderTest() {
        return open(System.getProperty("mka1.test.backend", "cuda"));
    }

    static ComputeDevice open(String name) {
        return open(name, BackendOptions.defaults());
    }

    static ComputeDevice open(String name, BackendOptions options) {
        ComputeBackend backend = ServiceLoader.load(ComputeBackend.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("backend '" + name + "' is not on the test class path"
                        + (name.equals("reference") ? " (the oracle: mka1-core's reference backend)" : "")));
        if (backend.probe() instanceof Availability.Unavailable(String reason)) {
            throw new IllegalStateException("backend '" + name + "' cannot run here: " + reason);
        }
        return backend.open(options);
    }
}
