package com.mka1.spi;

import java.util.Map;

/**
 * Options for {@link ComputeBackend#open}.
 *
 * @param threads worker threads for CPU kernels; 0 means "available processors"
 * @param deviceIndex which device of the backend (GPU ordinal); 0 for the first
 * @param extra backend-specific settings (documented by each backend), never null
 */
public record BackendOptions(int threads, int deviceIndex, Map<String, String> extra) {
    public BackendOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        if (deviceIndex < 0) throw new IllegalArgumentException("deviceIndex must be >= 0, got " + deviceIndex);
        extra = Map.copyOf(extra);
    }

    /** Defaults: all processors, device 0, no extras. */
    public static BackendOptions defaults() {
        return new BackendOptions(0, 0, Map.of());
    }

    /** The thread count to use: {@link #threads} or the number of available processors. */
    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
