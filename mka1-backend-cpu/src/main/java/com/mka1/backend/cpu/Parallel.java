package com.mka1.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one place kernels go parallel: a pool created once per device, and
 * {@link #forRange} that splits {@code [0, count)} into at most {@code threads} contiguous chunks.
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
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
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
        pool.invoke(new Split(body, count, chunks, 0, chunks));
        return chunks;
    }

    @Override
    public void close() {
        if (pool != null) pool.close();
    }

    private static final class Split extends RecursiveAction {
        private final RangeBody body;
        private final int count;
        private final int chunks;
        private final int from;
        private final int to;

        Split(RangeBody body, int count, int chunks, int from, int to) {
            this.body = body;
            this.count = count;
            this.chunks = chunks;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                int start = (int) ((long) count * from / chunks);
                int end = (int) ((long) count * (from + 1) / chunks);
                body.run(from, start, end);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Split(body, count, chunks, from, mid), new Split(body, count, chunks, mid, to));
        }
    }
}
