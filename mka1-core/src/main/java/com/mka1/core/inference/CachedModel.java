package com.mka1.core.inference;

/** What the model cache holds: something that knows its memory size and frees it on close. */
public interface CachedModel extends AutoCloseable {
    /** Bytes this model holds (weights, adapters, caches) for the cache's memory bound. */
    long memoryBytes();

    @Override
    void close();
}
