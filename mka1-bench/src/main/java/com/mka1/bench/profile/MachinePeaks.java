package com.mka1.bench.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's limits, measured in the benchmark's own run so MFU and the decode bound are
 * against what these cores give now: the FMA peak (a Vector API loop of independent fused
 * multiply-adds on every thread), the copy bandwidth (each thread copying its share of arrays
 * far larger than the caches, bytes read plus bytes written) and the read bandwidth (each thread
 * summing its share: what decoding does with the weights). Best of several tries.
 *
 * @param gflops FMA peak, GFLOP/s (2 per multiply-add)
 * @param copyGBps copy bandwidth, GB/s (read + write)
 * @param readGBps read bandwidth, GB/s
 */
public record MachinePeaks(double gflops, double copyGBps, double readGBps) {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Independent accumulators: more than FMA latency x FMA ports, fewer than the vector registers. */
    private static final int CHAINS = 12;
    private static final int FMA_ROUNDS = 25_000_000; // about 0.05 s per thread at 200 GFLOP/s
    private static final int COPY_FLOATS = 1 << 25; // 128 MiB per array
    private static final int TRIES = 5;

    public static MachinePeaks measure(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double bestFma = 0, bestCopy = 0, bestRead = 0;
            float[] src = new float[COPY_FLOATS], dst = new float[COPY_FLOATS];
            java.util.Arrays.fill(src, 1f);
            for (int t = 0; t < TRIES; t++) {
                double seconds = onAll(pool, threads, i -> fmaLoop(FMA_ROUNDS));
                bestFma = Math.max(bestFma, 2.0 * SPECIES.length() * CHAINS * FMA_ROUNDS * threads / seconds / 1e9);
                int share = COPY_FLOATS / threads;
                seconds = onAll(pool, threads, i -> {
                    System.arraycopy(src, i * share, dst, i * share, share);
                    return (double) dst[i * share];
                });
                bestCopy = Math.max(bestCopy, 2.0 * 4 * share * threads / seconds / 1e9);
                seconds = onAll(pool, threads, i -> sum(src, i * share, share));
                bestRead = Math.max(bestRead, 4.0 * share * threads / seconds / 1e9);
            }
            return new MachinePeaks(bestFma, bestCopy, bestRead);
        } finally {
            pool.shutdown();
        }
    }

    /** Wall seconds for {@code task} to run once on each of {@code threads} threads at once. */
    private static double onAll(ExecutorService pool, int threads, Task task) {
        List<Callable<Double>> calls = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            calls.add(() -> task.run(index));
        }
        long start = System.nanoTime();
        try {
            double sink = 0;
            for (Future<Double> f : pool.invokeAll(calls)) sink += f.get();
            if (Double.isNaN(sink)) throw new IllegalStateException("unreachable: keeps the results live");
        } catch (Exception e) {
            throw new IllegalStateException("peak measurement failed", e);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private interface Task {
        double run(int index);
    }

    /** Sum of {@code x[from, from+n)} in four vector accumulators (n a multiple of four vectors). */
    private static double sum(float[] x, int from, int n) {
        int step = SPECIES.length();
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        for (int i = from; i < from + n; i += 4 * step) {
            s0 = s0.add(FloatVector.fromArray(SPECIES, x, i));
            s1 = s1.add(FloatVector.fromArray(SPECIES, x, i + step));
            s2 = s2.add(FloatVector.fromArray(SPECIES, x, i + 2 * step));
            s3 = s3.add(FloatVector.fromArray(SPECIES, x, i + 3 * step));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** {@code rounds} x {@value #CHAINS} independent vector FMAs; the result keeps the JIT from removing them. */
    private static double fmaLoop(int rounds) {
        FloatVector x = FloatVector.broadcast(SPECIES, 0.999f), y = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int r = 0; r < rounds; r++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
