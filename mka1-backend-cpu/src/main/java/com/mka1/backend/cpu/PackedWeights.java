package com.mka1.backend.cpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matmul B operands kept packed across calls, up to a byte budget; an operand beyond the budget is
 * packed on every use as before. Two kinds are kept (chosen by {@link Gemm}): frozen BF16 weights
 * in the forward's transposed form ({@code x W^T}, the one that needs the widening register
 * transpose), and large weights multiplied by few rows (the LM head over chunks of 128 rows, in
 * its forward and its input-gradient form), which would otherwise be packed again for every chunk.
 * Each entry costs the packed F32 size, and is only made while a quarter of the maximum heap would
 * stay free after it (the heap's used bytes count garbage too, so this errs towards packing on
 * every use).
 *
 * <p>An entry goes stale when a kernel may write its array ({@link #written}: every F32 tensor a
 * kernel unwraps, read or written, except a matmul's B) and is packed again, into the same
 * floats, on its next use: a trained weight is packed once per step, after the optimizer's
 * update. Copies into the array or freeing it drop the entry ({@link #forget}).
 */
final class PackedWeights {
    /** One packed operand: the array by identity (a record's array component compares by reference). */
    private record Key(Object array, int offset, int n, int k, boolean transposed) {}

    private static final class Entry {
        final Key key;
        final float[] floats;
        boolean fresh;

        Entry(Key key, float[] floats) {
            this.key = key;
            this.floats = floats;
        }
    }

    private final long budgetBytes;
    private final Map<Key, Entry> packed = new HashMap<>();
    private final Map<Object, List<Entry>> byArray = new IdentityHashMap<>();
    /** Whether anything is kept: {@link #written} runs on every kernel's tensors and returns at once when not. */
    private volatile boolean any;
    private long usedBytes;

    PackedWeights(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    interface Packer {
        void pack(float[] into);
    }

    /**
     * The packed form of {@code array} ({@code short[]} BF16 bits or {@code float[]}) at
     * {@code offset} as op(B) of {@code n} columns and depth {@code k}, {@code transposed} when B is
     * stored {@code [n, k]}: packed by {@code packer} on first use and after a write; null over budget.
     */
    synchronized float[] get(Object array, int offset, int n, int k, boolean transposed, int floats, Packer packer) {
        Key key = new Key(array, offset, n, k, transposed);
        Entry e = packed.get(key);
        if (e == null) {
            if (usedBytes + 4L * floats > budgetBytes || !heapAllows(4L * floats)) return null;
            e = new Entry(key, new float[floats]);
            packed.put(key, e);
            byArray.computeIfAbsent(array, a -> new ArrayList<>()).add(e);
            usedBytes += 4L * floats;
            any = true;
        }
        if (!e.fresh) {
            packer.pack(e.floats);
            e.fresh = true;
        }
        return e.floats;
    }

    private static boolean heapAllows(long bytes) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        return free - bytes >= rt.maxMemory() / 4;
    }

    /** Marks every packed form of {@code array} stale: a kernel may write it. */
    void written(Object array) {
        if (!any) return;
        synchronized (this) {
            List<Entry> entries = byArray.get(array);
            if (entries != null) for (Entry e : entries) e.fresh = false;
        }
    }

    /** Drops every packed form of {@code array} (copied into, or its tensor freed). */
    synchronized void forget(Object array) {
        List<Entry> entries = byArray.remove(array);
        if (entries == null) return;
        for (Entry e : entries) {
            packed.remove(e.key);
            usedBytes -= 4L * e.floats.length;
        }
        any = !packed.isEmpty();
    }

    synchronized long usedBytes() {
        return usedBytes;
    }
}
