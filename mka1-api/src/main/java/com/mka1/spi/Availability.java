package com.mka1.spi;

/**
 * Whether a backend can run here, and if not, why (for a human: "no NVIDIA driver
 * (libcuda.so.1 not found)").
 */
public sealed interface Availability {
    /** The backend can be opened; {@code description} names the hardware it found. */
    record Available(String description) implements Availability {}

    /** The backend cannot be opened here, for the stated reason. */
    record Unavailable(String reason) implements Availability {}

    /** True for {@link Available}. */
    default boolean isAvailable() {
        return this instanceof Available;
    }
}
