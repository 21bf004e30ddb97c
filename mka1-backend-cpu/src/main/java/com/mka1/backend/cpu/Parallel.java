package com.mka1.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The one place kernels go parallel: a pool created once per device, and
 * {@link #forRange} that splits {@code [0, count)} into at most {@code threads} contiguous chunks.
 * The calling thread runs the first chunk itself and the pool's {@code threads - 1} workers the
 * others, so a call wakes one worker fewer and starts work at once (decoding makes hundreds of
 * small calls per token, where waking the pool was a large share of each).
 */
final class Parallel implements AutoCloseable {

    /** A body over the half-open range {@code [start, end)}; {@code chunk} numbers the chunk. */
    @FunctionalInterface
    interface RangeBody {
        void run(int chunk, int start, int end);
    }

    private final int threads;
    private final ForkJoinPool pool;

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1);
    }

    int threads() {
        return threads;
    }

    /** Chunks {@link #forRange} will use for {@code count} items and at least {@code grain} per chunk. */
    int chunks(int count, int grain) {
        int byGrain = Math.max(1, count / Math.max(1, grain));
        return Math.max(1, Math.min(threads, Math.min(count, byGrain)));
    }

    /**
     * Runs {@code body} over {@code [0, count)} in {@link #chunks(int, int)} balanced chunks; runs
     * inline when there is a single chunk. Returns the number of chunks used.
     */
    int forRange(int count, int grain, RangeBody body) {
        int chunks = chunks(count, grain);
        if (chunks <= 1 || pool == null) {
            if (count > 0) body.run(0, 0, count);
            return 1;
        }
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int chunk = c, start = bound(count, chunks, c), end = bound(count, chunks, c + 1);
            others[c - 1] = pool.submit(() -> body.run(chunk, start, end));
        }
        try {
            body.run(0, 0, bound(count, chunks, 1));
        } finally {
            for (ForkJoinTask<?> other : others) other.join(); // the others write into the same arrays: wait for them even on failure
        }
        return chunks;
    }

    /** Start of chunk {@code c} of {@code chunks} balanced chunks over {@code count}. */
    private static int bound(int count, int chunks, int c) {
        return (int) ((long) count * c / chunks);
    }

    @Override
    public void close() {
        if (pool != null) pool.close();
    }
}
