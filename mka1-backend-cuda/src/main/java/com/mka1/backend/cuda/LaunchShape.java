package com.mka1.backend.cuda;

/** Grid and block dimensions of one launch (blocks are one-dimensional) and its dynamic shared memory in bytes. */
record LaunchShape(int gridX, int gridY, int gridZ, int blockX, int sharedBytes) {
    static final int THREADS = 256;
    /** Grid-stride kernels need no more blocks than this to fill any current GPU. */
    private static final long MAX_STRIDE_BLOCKS = 65_536;

    LaunchShape {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || gridY > 65_535 || gridZ > 65_535 || blockX < 1 || blockX > 1024) {
            throw new IllegalArgumentException("bad launch shape grid=" + gridX + "x" + gridY + "x" + gridZ + " block=" + blockX);
        }
        if (sharedBytes < 0) throw new IllegalArgumentException("negative shared memory " + sharedBytes);
    }

    LaunchShape(int gridX, int gridY, int gridZ, int blockX) {
        this(gridX, gridY, gridZ, blockX, 0);
    }

    LaunchShape(int gridX, int gridY, int blockX) {
        this(gridX, gridY, 1, blockX);
    }

    /** A grid-stride launch over {@code n > 0} elements. */
    static LaunchShape elementwise(long n) {
        return new LaunchShape((int) Math.min(ceilDiv(n, THREADS), MAX_STRIDE_BLOCKS), 1, THREADS);
    }

    /** One block of {@code threads} per row. */
    static LaunchShape perRow(int rows, int threads) {
        return new LaunchShape(rows, 1, threads);
    }

    /** One thread per column, {@link #THREADS} per block. */
    static LaunchShape perColumn(int cols) {
        return new LaunchShape((int) ceilDiv(cols, THREADS), 1, THREADS);
    }

    /** One 32-thread warp per item, four warps per block. */
    static LaunchShape perWarp(long items) {
        long blocks = ceilDiv(items, 4);
        if (blocks > Integer.MAX_VALUE) throw new IllegalArgumentException("too many warps: " + items);
        return new LaunchShape((int) blocks, 1, 128);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
