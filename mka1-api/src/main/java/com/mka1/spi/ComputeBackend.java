package com.mka1.spi;

/**
 * A provider of compute devices, found with {@link java.util.ServiceLoader}. Implementations
 * must be cheap to construct and must never throw from {@link #probe()} (catch
 * {@link LinkageError} from native libraries there).
 */
public interface ComputeBackend {
    /** Stable name used for selection: "reference", "cpu", "cuda". */
    String name();

    /** Higher wins when several are available (reference 0, cpu 100, cuda 200). */
    int priority();

    /** Whether this backend can run on this machine, with a human-readable reason if not. */
    Availability probe();

    /**
     * Opens a device. Throws {@link BackendUnavailableException} with the probe's reason when
     * the backend cannot run here.
     */
    ComputeDevice open(BackendOptions options);
}
