package com.mka1.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one place kernels go parallel: {@code threads - 1} worker threads created once per device,
 * and {@link #forRange} that splits {@code [0, count)} into at most {@code threads} contiguous
 * chunks. The calling thread runs the first chunk itself and hands one chunk to each worker.
 * A worker spins for {@link #SPIN_NANOS} after its last chunk before it parks, so the next call a
 * few microseconds later (decoding makes hundreds of small calls per token) finds it awake; a
 * parked worker is unparked. A call from a worker itself (nested) or while another thread's call
 * holds the workers runs its chunks one after the other on the calling thread, in the same
 * chunks, so results do not depend on which happened.
 */
final class Parallel implements AutoCloseable {
    /** How long an idle worker spins before it parks: a few kernel calls' worth of gap. */
    private static final long SPIN_NANOS = 50_000;

    /** A body over the half-open range {@code [start, end)}; {@code chunk} numbers the chunk. */
    @FunctionalInterface
    interface RangeBody {
        void run(int chunk, int start, int end);
    }

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock dispatch = new ReentrantLock();

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, "mka1-cpu-" + i);
            workers[i].start();
        }
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
        if (chunks <= 1) {
            if (count > 0) body.run(0, 0, count);
            return 1;
        }
        if (Thread.currentThread() instanceof Worker w && w.owner == this || !dispatch.tryLock()) {
            for (int c = 0; c < chunks; c++) body.run(c, bound(count, chunks, c), bound(count, chunks, c + 1));
            return chunks;
        }
        try {
            Call call = new Call(Thread.currentThread(), chunks - 1);
            for (int c = 1; c < chunks; c++) {
                int chunk = c, start = bound(count, chunks, c), end = bound(count, chunks, c + 1);
                workers[c - 1].post(call, () -> body.run(chunk, start, end));
            }
            Throwable failure = null;
            try {
                body.run(0, 0, bound(count, chunks, 1));
            } catch (Throwable t) {
                failure = t;
            }
            call.await(); // the others write into the same arrays: wait for them even on failure
            if (failure == null) failure = call.failure;
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            return chunks;
        } finally {
            dispatch.unlock();
        }
    }

    /** Start of chunk {@code c} of {@code chunks} balanced chunks over {@code count}. */
    private static int bound(int count, int chunks, int c) {
        return (int) ((long) count * c / chunks);
    }

    @Override
    public void close() {
        for (Worker w : workers) w.shutdown();
    }

    /** One {@link #forRange} call's chunks on the workers: how many are left, the first failure. */
    private static final class Call {
        final Thread caller;
        final AtomicInteger left;
        volatile Throwable failure;

        Call(Thread caller, int chunks) {
            this.caller = caller;
            this.left = new AtomicInteger(chunks);
        }

        void done(Throwable t) {
            if (t != null && failure == null) failure = t;
            if (left.decrementAndGet() == 0) LockSupport.unpark(caller);
        }

        void await() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (left.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }

    /** A daemon thread that runs one posted chunk at a time. */
    private static final class Worker extends Thread {
        final Parallel owner;
        private volatile Runnable task;
        private volatile Call call;
        private volatile boolean sleeping;
        private volatile boolean closed;

        Worker(Parallel owner, String name) {
            super(name);
            this.owner = owner;
            setDaemon(true);
        }

        void post(Call c, Runnable r) {
            call = c;
            task = r;
            if (sleeping) LockSupport.unpark(this);
        }

        void shutdown() {
            closed = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                Runnable r = task;
                if (r != null) {
                    Call c = call;
                    task = null;
                    Throwable failure = null;
                    try {
                        r.run();
                    } catch (Throwable t) {
                        failure = t;
                    }
                    c.done(failure);
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    sleeping = true;
                    if (task == null && !closed) LockSupport.park(this);
                    sleeping = false;
                }
            }
        }
    }
}
