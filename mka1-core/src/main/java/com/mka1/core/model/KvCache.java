package com.mka1.core.model;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

/**
 * Keys and values of the tokens seen so far, per layer {@code [slots, kvHeads*headDim]}
 * (grouped-query: only the kv heads are stored), after RoPE. One sequence; not thread-safe.
 *
 * <p>Full-attention layers keep every token. Sliding-window layers keep a contiguous run of the
 * most recent tokens, bounded by the window: before new tokens would overflow, the oldest are
 * dropped down to the {@code window - 1} that the next query can still see. Sliding layers
 * therefore hold about {@code 2 * window} tokens however long the sequence grows (more only
 * while a prefill chunk longer than that runs).
 */
public final class KvCache implements AutoCloseable {
    private final ComputeDevice device;
    private final int kvDim;
    private final int window;
    private final boolean[] sliding;
    private final Tensor[] keys;
    private final Tensor[] values;
    private final int capacity;
    private int slidingSlots;
    private int length;
    /** Tokens held by the sliding layers (the last {@code slidingHeld} of {@code length}). */
    private int slidingHeld;

    KvCache(ComputeDevice device, LlamaConfig config, int capacity) {
        this.device = device;
        this.capacity = capacity;
        this.kvDim = config.kvDim();
        this.window = config.slidingWindow();
        int layers = config.numLayers();
        sliding = new boolean[layers];
        keys = new Tensor[layers];
        values = new Tensor[layers];
        slidingSlots = window > 0 ? Math.min(capacity, 2 * window) : 0;
        for (int l = 0; l < layers; l++) {
            sliding[l] = config.layers().get(l).sliding();
            int slots = sliding[l] ? slidingSlots : capacity;
            keys[l] = device.allocate(DType.F32, slots, kvDim);
            values[l] = device.allocate(DType.F32, slots, kvDim);
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
        slidingHeld = 0;
    }

    /**
     * Drops tokens after the first {@code newLength} (to reuse a shared prompt prefix). Refused
     * when sliding layers no longer hold the keys the next token would see.
     */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("cannot truncate " + length + " tokens to " + newLength);
        int start = length - slidingHeld, held = newLength - start;
        if (window > 0 && start > 0 && held < Math.min(newLength, window - 1)) {
            throw new IllegalArgumentException("sliding-window layers dropped the keys before position " + start
                    + "; cannot truncate to " + newLength);
        }
        slidingHeld = window > 0 ? Math.max(0, held) : 0;
        length = newLength;
    }

    /** Tokens held for layer {@code l}: row {@code j} of {@link #keys} is position {@code length - held + j}. */
    int held(int l) {
        return sliding[l] ? slidingHeld : length;
    }

    Tensor keys(int layer) {
        return keys[layer];
    }

    Tensor values(int layer) {
        return values[layer];
    }

    /**
     * Makes room in the sliding layers for {@code n} more tokens; call once per pass before
     * {@link #append}. Returns the tokens they then hold.
     */
    int reserve(int n) {
        if (window == 0 || slidingHeld + n <= slidingSlots) return slidingHeld;
        int keep = Math.min(slidingHeld, window - 1), drop = slidingHeld - keep;
        boolean inPlace = drop >= keep && keep + n <= slidingSlots; // source and target rows do not overlap
        int slots = inPlace ? slidingSlots : Math.max(slidingSlots, 2 * (window - 1) + n);
        for (int l = 0; l < sliding.length; l++) {
            if (!sliding[l]) continue;
            keys[l] = moveTail(keys[l], drop, keep, slots, inPlace);
            values[l] = moveTail(values[l], drop, keep, slots, inPlace);
        }
        slidingSlots = slots;
        slidingHeld = keep;
        return keep;
    }

    private Tensor moveTail(Tensor t, int from, int count, int slots, boolean inPlace) {
        Tensor target = inPlace ? t : device.allocate(DType.F32, slots, kvDim);
        if (count > 0) device.copy(t, (long) from * kvDim, target, 0, (long) count * kvDim);
        if (!inPlace) device.free(t);
        return target;
    }

    /** Writes {@code n} new keys and values {@code [n, kvDim]} of layer {@code l} after those held. */
    void append(int l, Tensor k, Tensor v, int n) {
        long at = (long) held(l) * kvDim;
        device.copy(k, 0, keys[l], at, (long) n * kvDim);
        device.copy(v, 0, values[l], at, (long) n * kvDim);
    }

    void advance(int tokens) {
        length += tokens;
        if (window > 0) slidingHeld += tokens;
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            device.free(keys[l]);
            device.free(values[l]);
        }
    }
}
