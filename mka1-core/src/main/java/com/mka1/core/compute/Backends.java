package com.mka1.core.compute;

import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.BackendUnavailableException;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Chooses a compute backend: the one asked for by name, else the one named by the
 * {@value #ENV_VAR} environment variable, else the highest-priority backend whose probe says
 * it is available. Naming an unknown or unavailable backend is an error that says why.
 */
public final class Backends {
    /** Environment variable naming the backend to use when a caller names none. */
    public static final String ENV_VAR = "MKA1_BACKEND";

    private final List<ComputeBackend> backends;

    /** Selection among the given backends (tests, embedders with their own set). */
    public Backends(List<ComputeBackend> backends) {
        this.backends = backends.stream()
                .sorted(Comparator.comparingInt(ComputeBackend::priority).reversed())
                .toList();
    }

    /** The backends installed on the module or class path, found with {@link ServiceLoader}. */
    public static Backends installed() {
        return new Backends(ServiceLoader.load(ComputeBackend.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** Every known backend, highest priority first. */
    public List<ComputeBackend> all() {
        return backends;
    }

    /** The backend called {@code name}, which must be available here. */
    public ComputeBackend byName(String name) {
        ComputeBackend backend = backends.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new BackendUnavailableException("unknown compute backend '" + name + "'; installed: "
                        + backends.stream().map(ComputeBackend::name).collect(Collectors.joining(", "))));
        if (backend.probe() instanceof Availability.Unavailable(String reason)) {
            throw new BackendUnavailableException("compute backend '" + name + "' is not available: " + reason);
        }
        return backend;
    }

    /** The highest-priority available backend. */
    public ComputeBackend best() {
        return backends.stream().filter(b -> b.probe().isAvailable()).findFirst()
                .orElseThrow(() -> new BackendUnavailableException("no compute backend is available; installed: "
                        + backends.stream().map(b -> b.name() + " (" + b.probe() + ")").collect(Collectors.joining(", "))));
    }

    /**
     * {@code requested} when not null or blank, else the backend named by {@value #ENV_VAR} in
     * {@code environment}, else {@link #best()}.
     */
    public ComputeBackend select(String requested, Map<String, String> environment) {
        if (requested != null && !requested.isBlank()) return byName(requested.strip());
        String fromEnv = environment.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) return byName(fromEnv.strip());
        return best();
    }

    /**
     * The backend {@code device} runs on, its mode, and why each backend of higher priority is not
     * in use: "cpu (Vector API, 512-bit, 16 float lanes, 2 threads); cuda skipped: no CUDA driver".
     */
    public String describe(ComputeDevice device) {
        StringBuilder text = new StringBuilder(device.backendName()).append(" (").append(device.description()).append(')');
        for (ComputeBackend b : backends) {
            if (b.name().equals(device.backendName())) break;
            if (b.probe() instanceof Availability.Unavailable(String reason)) {
                text.append("; ").append(b.name()).append(" skipped: ").append(reason);
            }
        }
        return text.toString();
    }

    /** Opens the backend chosen by {@link #select} with this process's environment. */
    public ComputeDevice open(String requested, BackendOptions options) {
        return select(requested, System.getenv()).open(options);
    }
}
