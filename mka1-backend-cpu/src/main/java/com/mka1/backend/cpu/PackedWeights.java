package com.mka1.backend.cpu;

import java.util.HashMap;
import java.util.Map;

/**
 * Frozen BF16 weights kept widened and packed across calls, in the forward's transposed form
 * ({@code x W^T}, the one that needs the widening register transpose), up to a byte budget; a
 * weight beyond the budget is packed on every use as before. Each entry costs twice its BF16
 * size (F32), and is only made while a quarter of the maximum heap would stay free after it (the
 * heap's used bytes count garbage too, so this errs towards packing on every use). Entries are
 * dropped when their array is written or freed ({@link #forget}).
 */
final class PackedWeights {
    /** One packed operand: the array by identity (a record's array component compares by reference). */
    private record Key(short[] bits, int offset, int n, int k) {}

    private final long budgetBytes;
    private final Map<Key, float[]> packed = new HashMap<>();
    private long usedBytes;

    PackedWeights(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    interface Packer {
        void pack(float[] into);
    }

    /** The packed form of BF16 {@code bits} at {@code offset} ({@code [n, k]}), packed by {@code packer} on first use; null over budget. */
    synchronized float[] get(short[] bits, int offset, int n, int k, int floats, Packer packer) {
        Key key = new Key(bits, offset, n, k);
        float[] p = packed.get(key);
        if (p != null || usedBytes + 4L * floats > budgetBytes || !heapAllows(4L * floats)) return p;
        p = new float[floats];
        packer.pack(p);
        packed.put(key, p);
        usedBytes += 4L * floats;
        return p;
    }

    private static boolean heapAllows(long bytes) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        return free - bytes >= rt.maxMemory() / 4;
    }

    /** Drops every packed form of {@code bits} (written, or its tensor freed). */
    synchronized void forget(short[] bits) {
        if (packed.isEmpty()) return;
        var it = packed.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().bits() == bits) {
                usedBytes -= 4L * e.getValue().length;
                it.remove();
            }
        }
    }

    synchronized long usedBytes() {
        return usedBytes;
    }
}
