package com.mka1.core.model;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

/**
 * Keys and values of the tokens seen so far, per layer {@code [capacity, kvHeads*headDim]}
 * (grouped-query: only the kv heads are stored), after RoPE. One sequence; not thread-safe.
 */
public final class KvCache implements AutoCloseable {
    private final ComputeDevice device;
    private final Tensor[] keys;
    private final Tensor[] values;
    private final int capacity;
    private int length;

    KvCache(ComputeDevice device, LlamaConfig config, int capacity) {
        this.device = device;
        this.capacity = capacity;
        keys = new Tensor[config.numLayers()];
        values = new Tensor[config.numLayers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = device.allocate(DType.F32, capacity, config.kvDim());
            values[l] = device.allocate(DType.F32, capacity, config.kvDim());
        }
    }

    /** Tokens cached so far (the position the next token gets). */
    public int length() {
        return length;
    }

    /** Most tokens this cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** Forgets every cached token (keeps the memory). */
    public void clear() {
        length = 0;
    }

    /** Drops tokens after the first {@code newLength} (to reuse a shared prompt prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("cannot truncate " + length + " tokens to " + newLength);
        length = newLength;
    }

    Tensor keys(int layer) {
        return keys[layer];
    }

    Tensor values(int layer) {
        return values[layer];
    }

    void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            device.free(keys[l]);
            device.free(values[l]);
        }
    }
}
