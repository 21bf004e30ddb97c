package com.mka1.backend.cuda;

import static com.mka1.backend.cuda.KernelCatalog.*;

import java.util.List;

import com.mka1.spi.AdamWParameter;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * {@link Kernels} on the GPU: argument checks on the host, then one or a few asynchronous
 * launches on the device's stream. Only {@link #sum} and {@link #sumOfSquares} wait for the GPU.
 */
final class CudaKernels implements Kernels {
    static final int MAX_HEAD_DIM = 256;    // attention.cu: MAX_PER_LANE * 32
    static final int MAX_TILED_HEAD_DIM = 128;  // attention_tiled.cu: TILE_MAX_DIM
    private static final int TILED_ATTENTION_THREADS = 128; // attention_tiled.cu: TILE_THREADS
    private static final int DWEIGHT_COLUMNS = 32, DWEIGHT_THREADS = 256; // norm.cu: DW_COLS, DW_COLS * DW_ROW_GROUPS
    private static final int ROW_THREADS = 256;
    private static final int CROSS_ENTROPY_THREADS = 512; // loss.cu: CE_THREADS
    private static final int MATMUL_TILE = 64;            // matmul.cu: TILE_M, TILE_N
    private static final int TC_TILE_M = 128, TC_TILE_N = 64; // matmul_tc.cu: TC_M, TC_N
    private static final int SKINNY_ROWS = 8;                 // matmul.cu: SKINNY_ROWS
    private static final int SPLIT_K_TARGET_BLOCKS = 264, SPLIT_K_MIN_DEPTH = 256, MAX_K_SPLITS = 32;
    private static final int MAX_PARTIALS = 1024;
    private static final long SPLIT_BELOW_PAIRS = 1024, SPLIT_TARGET_WARPS = 2048;
    private static final int SPLIT_KEYS = 64, MAX_SPLIT_CHUNKS = 64;

    private final ComputeDevice owner;
    private final KernelLauncher launcher;
    private final Workspace workspace;
    private final MatmulPath matmulPath;
    private final Gemm gemm;
    private final int flashSharedLimit;
    private long gemmMatmuls;
    private List<AdamWParameter> adamwList; // the list the table below describes (AdamW passes the same one each step)
    private DeviceBlock adamwTable;
    private long adamwTotal;

    /** Kernels over the tensors of {@code owner}, queued through {@code launcher}; matmul on the mka1 kernels. */
    CudaKernels(ComputeDevice owner, KernelLauncher launcher, Workspace workspace, MatmulPath matmulPath) {
        this(owner, launcher, workspace, matmulPath, null);
    }

    /** As above, with matmul through cuBLASLt where {@code gemm} is not null and has an algorithm for the shape. */
    CudaKernels(ComputeDevice owner, KernelLauncher launcher, Workspace workspace, MatmulPath matmulPath, Gemm gemm) {
        this(owner, launcher, workspace, matmulPath, gemm, 0);
    }

    /**
     * As above; {@code flashSharedLimit > 0} turns on the tensor-core flash attention kernels for
     * head dims 64 and 128 whose passes fit that much shared memory per block (the device's opt-in limit).
     */
    CudaKernels(ComputeDevice owner, KernelLauncher launcher, Workspace workspace, MatmulPath matmulPath, Gemm gemm,
                int flashSharedLimit) {
        this.owner = owner;
        this.launcher = launcher;
        this.workspace = workspace;
        this.matmulPath = matmulPath;
        this.gemm = gemm;
        this.flashSharedLimit = flashSharedLimit;
    }

    // ---- dense algebra -------------------------------------------------------------------

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k,
                       boolean transA, boolean transB, float alpha, boolean accumulate) {
        CudaTensor cc = f32(c, "c", (long) m * n), ca = f32(a, "a", (long) m * k);
        CudaTensor cb = weight(b, "b", (long) k * n);
        if (m == 0 || n == 0) return;
        boolean bf16 = cb.dtype() == DType.BF16;
        if (!transA && transB && m <= SKINNY_ROWS) { // a linear layer on a few tokens (decoding)
            launcher.launch(bf16 ? MATMUL_SKINNY_BF16 : MATMUL_SKINNY_F32, LaunchShape.perWarp(n),
                    cc, ca, cb, m, n, k, alpha, flag(accumulate));
        } else if (gemm != null && k > 0 && cublasMatmul(cc, ca, cb, m, n, k, transA, transB, alpha, accumulate)) {
            return;
        } else if (matmulPath.usesTensorCores()) {
            int splits = kSplits(m, n, k);
            if (splits == 1) {
                tensorCoreMatmul(cc, ca, cb, m, n, k, transA, transB, alpha, accumulate, 1);
                return;
            }
            long mn = (long) m * n;
            DeviceBlock partial = workspace.acquire(splits * mn * Float.BYTES);
            try {
                tensorCoreMatmul(partial, ca, cb, m, n, k, transA, transB, 1f, false, splits);
                launcher.launch(MATMUL_SUM_SPLITS, LaunchShape.elementwise(mn), cc, partial, mn, splits, alpha, flag(accumulate));
            } finally {
                workspace.release(partial);
            }
        } else {
            var shape = new LaunchShape((int) LaunchShape.ceilDiv(n, MATMUL_TILE), (int) LaunchShape.ceilDiv(m, MATMUL_TILE),
                    LaunchShape.THREADS);
            launcher.launch(bf16 ? MATMUL_BF16 : MATMUL_F32, shape,
                    cc, ca, cb, m, n, k, flag(transA), flag(transB), alpha, flag(accumulate));
        }
    }

    /**
     * The matmul through cuBLASLt, in the precision of the matmul path: {@code bf16} converts the
     * FP32 operands to BF16 (round to nearest even, as the wmma kernel does); {@code tf32} uses
     * TF32 tensor-core compute; {@code 3xtf32} and {@code fp32} use FP32 compute. Frozen BF16
     * weights are widened to FP32 on the FP32/TF32 paths (exact). All accumulate in FP32. False
     * (nothing queued) when cuBLASLt has no algorithm for the shape or a tensor used in place is
     * not 16-byte aligned: the kernels take it.
     */
    private boolean cublasMatmul(CudaTensor c, CudaTensor a, CudaTensor b, int m, int n, int k,
                                 boolean transA, boolean transB, float alpha, boolean accumulate) {
        boolean bf16Operands = matmulPath == MatmulPath.BF16;
        var problem = new Gemm.Problem(m, n, k, transA, transB,
                bf16Operands ? CublasLtApi.CUDA_R_16BF : CublasLtApi.CUDA_R_32F,
                matmulPath == MatmulPath.TF32 ? CublasLtApi.COMPUTE_32F_FAST_TF32 : CublasLtApi.COMPUTE_32F);
        boolean convertA = bf16Operands, convertB = bf16Operands != (b.dtype() == DType.BF16);
        long cAddress = DeviceAddress.of(c.pointer()), aAddress = DeviceAddress.of(a.pointer());
        long bAddress = DeviceAddress.of(b.pointer());
        if (!aligned(cAddress) || (!convertA && !aligned(aAddress)) || (!convertB && !aligned(bAddress))
                || !gemm.supports(problem)) {
            return false;
        }
        long aCount = (long) m * k, bCount = (long) k * n;
        DeviceBlock aConverted = convertA ? convert(F32_TO_BF16, a, aCount, Short.BYTES) : null;
        DeviceBlock bConverted = null;
        try {
            if (convertB) bConverted = convert(bf16Operands ? F32_TO_BF16 : BF16_TO_F32, b, bCount, bf16Operands ? Short.BYTES : Float.BYTES);
            gemmMatmuls++;
            gemm.matmul(problem, cAddress, aConverted != null ? DeviceAddress.of(aConverted.pointer()) : aAddress,
                    bConverted != null ? DeviceAddress.of(bConverted.pointer()) : bAddress, alpha, accumulate ? 1f : 0f);
        } finally {
            if (bConverted != null) workspace.release(bConverted);
            if (aConverted != null) workspace.release(aConverted);
        }
        return true;
    }

    /** Matmuls handed to the GEMM library so far (tests check which path ran). */
    long gemmMatmuls() {
        return gemmMatmuls;
    }

    /** Whether a device address meets cuBLASLt's operand alignment (16 bytes, asked for in its preference). */
    static boolean aligned(long address) {
        return address % CublasLtGemm.ALIGNMENT == 0;
    }

    /** {@code count} elements of {@code source} converted into a workspace block of {@code bytesEach} per element. */
    private DeviceBlock convert(KernelSpec kernel, CudaTensor source, long count, int bytesEach) {
        DeviceBlock block = workspace.acquire(count * bytesEach);
        launcher.launch(kernel, LaunchShape.elementwise(count), block, source, count);
        return block;
    }

    private void tensorCoreMatmul(Object c, CudaTensor a, CudaTensor b, int m, int n, int k, boolean transA,
                                  boolean transB, float alpha, boolean accumulate, int splits) {
        boolean bf16 = b.dtype() == DType.BF16;
        LaunchShape shape = new LaunchShape((int) LaunchShape.ceilDiv(n, TC_TILE_N), (int) LaunchShape.ceilDiv(m, TC_TILE_M),
                splits, LaunchShape.THREADS);
        if (matmulPath == MatmulPath.BF16) {
            launcher.launch(bf16 ? MATMUL_TC_BF16MMA_BF16 : MATMUL_TC_BF16MMA_F32, shape, c, a, b, m, n, k,
                    flag(transA), flag(transB), alpha, flag(accumulate));
        } else {
            launcher.launch(bf16 ? MATMUL_TC_BF16 : MATMUL_TC_F32, shape, c, a, b, m, n, k,
                    flag(transA), flag(transB), alpha, flag(accumulate), flag(matmulPath == MatmulPath.TF32X3));
        }
    }

    /**
     * K splits of a tensor-core product: 1 when its output tiles already give every SM of a large
     * GPU (132 on an H100) two blocks; else enough splits for that, each at least 256 deep.
     */
    static int kSplits(int m, int n, int k) {
        long tiles = LaunchShape.ceilDiv(n, TC_TILE_N) * LaunchShape.ceilDiv(m, TC_TILE_M);
        if (tiles >= SPLIT_K_TARGET_BLOCKS) return 1;
        long byDepth = Math.max(1, k / SPLIT_K_MIN_DEPTH);
        return (int) Math.min(MAX_K_SPLITS, Math.min(byDepth, LaunchShape.ceilDiv(SPLIT_K_TARGET_BLOCKS, tiles)));
    }

    @Override
    public void addBias(Tensor out, Tensor bias, int rows, int cols) {
        long count = (long) rows * cols;
        CudaTensor o = f32(out, "out", count), bi = f32(bias, "bias", cols);
        if (count == 0) return;
        launcher.launch(ADD_BIAS, LaunchShape.elementwise(count), o, bi, rows, cols);
    }

    @Override
    public void addBiasBackward(Tensor dbias, Tensor dout, int rows, int cols) {
        CudaTensor db = f32(dbias, "dbias", cols), d = f32(dout, "dout", (long) rows * cols);
        if (cols == 0) return;
        launcher.launch(ADD_BIAS_BACKWARD, LaunchShape.perColumn(cols), db, d, rows, cols);
    }

    // ---- embedding -----------------------------------------------------------------------

    @Override
    public void embeddingForward(Tensor out, Tensor table, Tensor tokens, int n, int dim) {
        long count = (long) n * dim;
        CudaTensor o = f32(out, "out", count), t = weight(table, "table", dim), tok = i32(tokens, "tokens", n);
        if (count == 0) return;
        launcher.launch(t.dtype() == DType.BF16 ? EMBEDDING_FORWARD_BF16 : EMBEDDING_FORWARD_F32,
                LaunchShape.elementwise(count), o, t, tok, n, dim);
    }

    @Override
    public void embeddingBackward(Tensor dtable, Tensor dout, Tensor tokens, int n, int dim) {
        long count = (long) n * dim;
        CudaTensor dt = f32(dtable, "dtable", dim), d = f32(dout, "dout", count), tok = i32(tokens, "tokens", n);
        if (count == 0) return;
        launcher.launch(EMBEDDING_BACKWARD, LaunchShape.elementwise(count), dt, d, tok, n, dim);
    }

    // ---- normalisation -------------------------------------------------------------------

    @Override
    public void rmsnormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int n, int dim, float eps) {
        long count = (long) n * dim;
        CudaTensor o = f32(out, "out", count), r = optionalF32(rstd, "rstd", n);
        CudaTensor cx = f32(x, "x", count), w = f32(weight, "weight", dim);
        if (n == 0) return;
        launcher.launch(RMSNORM_FORWARD, LaunchShape.perRow(n, ROW_THREADS), o, r, cx, w, n, dim, eps);
    }

    @Override
    public void rmsnormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                int n, int dim) {
        long count = (long) n * dim;
        CudaTensor cdx = f32(dx, "dx", count), dw = optionalF32(dweight, "dweight", dim);
        CudaTensor d = f32(dout, "dout", count), cx = f32(x, "x", count);
        CudaTensor w = f32(weight, "weight", dim), r = f32(rstd, "rstd", n);
        if (n == 0) return;
        launcher.launch(RMSNORM_BACKWARD_DX, LaunchShape.perRow(n, ROW_THREADS), cdx, d, cx, w, r, n, dim);
        if (dw != null) {
            var columnBlocks = new LaunchShape((int) LaunchShape.ceilDiv(dim, DWEIGHT_COLUMNS), 1, DWEIGHT_THREADS);
            launcher.launch(RMSNORM_BACKWARD_DWEIGHT, columnBlocks, dw, d, cx, r, n, dim);
        }
    }

    @Override
    public void addRmsnormForward(Tensor sum, Tensor out, Tensor rstd, Tensor x, Tensor branch, Tensor weight,
                                  int n, int dim, float eps) {
        long count = (long) n * dim;
        CudaTensor s = f32(sum, "sum", count), o = f32(out, "out", count), r = optionalF32(rstd, "rstd", n);
        CudaTensor cx = f32(x, "x", count), br = f32(branch, "branch", count), w = f32(weight, "weight", dim);
        if (n == 0) return;
        launcher.launch(ADD_RMSNORM_FORWARD, LaunchShape.perRow(n, ROW_THREADS), s, o, r, cx, br, w, n, dim, eps);
    }

    // ---- rotary position embedding -------------------------------------------------------

    @Override
    public void ropeQK(Tensor q, Tensor k, Tensor positions, Tensor invFreq, int n, int heads, int kvHeads, int headDim,
                       int rotaryDim, float attentionFactor, boolean inverse) {
        checkRope(headDim, rotaryDim);
        CudaTensor cq = f32(q, "q", (long) n * heads * headDim), ck = f32(k, "k", (long) n * kvHeads * headDim);
        CudaTensor pos = i32(positions, "positions", n), freq = f32(invFreq, "invFreq", rotaryDim / 2);
        long pairs = (long) n * (heads + kvHeads) * (rotaryDim / 2);
        if (pairs == 0) return;
        launcher.launch(ROPE_QK, LaunchShape.elementwise(pairs), cq, ck, pos, freq, n, heads, kvHeads, headDim, rotaryDim,
                attentionFactor, flag(inverse));
    }

    private static void checkRope(int headDim, int rotaryDim) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("rope: headDim must be even, got " + headDim);
        if (rotaryDim <= 0 || rotaryDim % 2 != 0 || rotaryDim > headDim) {
            throw new IllegalArgumentException("rope: rotaryDim " + rotaryDim + " must be even and within headDim " + headDim);
        }
    }

    @Override
    public void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, int rotaryDim,
                     float attentionFactor, boolean inverse) {
        checkRope(headDim, rotaryDim);
        long count = (long) n * heads * headDim;
        CudaTensor cx = f32(x, "x", count), pos = i32(positions, "positions", n);
        CudaTensor freq = f32(invFreq, "invFreq", rotaryDim / 2);
        if (count == 0) return;
        long pairs = (long) n * heads * (rotaryDim / 2);
        launcher.launch(ROPE, LaunchShape.elementwise(pairs), cx, pos, freq, n, heads, headDim, rotaryDim, attentionFactor,
                flag(inverse));
    }

    // ---- attention -----------------------------------------------------------------------

    /** The attention kernels here have no soft-capping: a model that needs it is refused, never run without it. */
    private static void refuseSoftcap(float softcap) {
        if (softcap != 0) {
            throw new UnsupportedOperationException("attention-score soft-capping (attn_logit_softcapping " + softcap
                    + ", Gemma 2) is not implemented on the cuda backend; use the cpu backend");
        }
    }

    @Override
    public void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart,
                                 int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale,
                                 float softcap) {
        refuseSoftcap(softcap);
        checkAttentionShape(heads, kvHeads, headDim);
        if (qLen > kvLen) throw new IllegalArgumentException("attention: qLen " + qLen + " > kvLen " + kvLen);
        long rows = (long) batch * qLen;
        CudaTensor o = f32(out, "out", rows * heads * headDim), l = optionalF32(lse, "lse", rows * heads);
        CudaTensor cq = f32(q, "q", rows * heads * headDim);
        CudaTensor ck = f32(k, "k", (long) batch * kvLen * kvHeads * headDim);
        CudaTensor cv = f32(v, "v", (long) batch * kvLen * kvHeads * headDim);
        CudaTensor seg = i32(segStart, "segStart", rows);
        if (rows == 0) return;
        long pairs = rows * heads;
        int chunks = splitChunks(pairs, kvLen);
        if (chunks == 1 && flash(headDim, o, cq, ck, cv)) {
            launcher.launch(FlashAttention.kernel(FlashAttention.Pass.FORWARD, headDim),
                    FlashAttention.shape(FlashAttention.Pass.FORWARD, headDim, qLen, batch * heads),
                    o, l, cq, ck, cv, seg, qLen, kvLen, heads, kvHeads, scale);
            return;
        }
        if (chunks == 1 && tiled(headDim, o, cq, ck, cv)) {
            int tpq = threadsPerRow(headDim);
            launcher.launch(ATTENTION_FORWARD_TILED, tileGrid(qLen, batch * heads, tpq),
                    o, l, cq, ck, cv, seg, batch, qLen, kvLen, heads, kvHeads, headDim, scale, tpq);
            return;
        }
        if (chunks == 1) {
            launcher.launch(ATTENTION_FORWARD, LaunchShape.perWarp(pairs),
                    o, l, cq, ck, cv, seg, batch, qLen, kvLen, heads, kvHeads, headDim, scale);
            return;
        }
        DeviceBlock partial = workspace.acquire((long) chunks * pairs * (headDim + 2) * Float.BYTES);
        try {
            launcher.launch(ATTENTION_FORWARD_SPLIT, LaunchShape.perWarp(chunks * pairs),
                    partial, cq, ck, cv, seg, batch, qLen, kvLen, heads, kvHeads, headDim, scale, chunks);
            launcher.launch(ATTENTION_COMBINE, LaunchShape.perWarp(pairs),
                    o, l, partial, Math.toIntExact(rows), heads, headDim, chunks);
        } finally {
            workspace.release(partial);
        }
    }

    /**
     * Key slices per (query, head) for the forward pass: 1 (one warp walks all keys) unless so few
     * pairs would leave the GPU idle (decoding), then up to one slice per 64 keys, enough for
     * about 2048 warps.
     */
    static int splitChunks(long pairs, int kvLen) {
        if (pairs >= SPLIT_BELOW_PAIRS) return 1;
        long bySize = LaunchShape.ceilDiv(kvLen, SPLIT_KEYS);
        long byOccupancy = Math.max(1, SPLIT_TARGET_WARPS / pairs);
        return (int) Math.max(1, Math.min(Math.min(bySize, byOccupancy), MAX_SPLIT_CHUNKS));
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse,
                                  Tensor q, Tensor k, Tensor v, Tensor segStart,
                                  int batch, int seqLen, int heads, int kvHeads, int headDim, float scale,
                                  float softcap) {
        refuseSoftcap(softcap);
        checkAttentionShape(heads, kvHeads, headDim);
        long rows = (long) batch * seqLen;
        long qCount = rows * heads * headDim, kvCount = rows * kvHeads * headDim;
        CudaTensor cdq = f32(dq, "dq", qCount), cdk = f32(dk, "dk", kvCount), cdv = f32(dv, "dv", kvCount);
        CudaTensor d = f32(dout, "dout", qCount), o = f32(out, "out", qCount), l = f32(lse, "lse", rows * heads);
        CudaTensor cq = f32(q, "q", qCount), ck = f32(k, "k", kvCount), cv = f32(v, "v", kvCount);
        CudaTensor seg = i32(segStart, "segStart", rows);
        if (rows == 0) return;
        DeviceBlock delta = workspace.acquire(rows * heads * Float.BYTES);
        try {
            int rowCount = Math.toIntExact(rows);
            launcher.launch(ATTENTION_BACKWARD_DELTA, LaunchShape.perWarp(rows * heads), delta, d, o, rowCount, heads, headDim);
            if (flash(headDim, cdq, cdk, cdv, d, cq, ck, cv)) {
                launcher.launch(FlashAttention.kernel(FlashAttention.Pass.BACKWARD_DQ, headDim),
                        FlashAttention.shape(FlashAttention.Pass.BACKWARD_DQ, headDim, seqLen, batch * heads),
                        cdq, d, l, delta, cq, ck, cv, seg, seqLen, heads, kvHeads, scale);
                launcher.launch(FlashAttention.kernel(FlashAttention.Pass.BACKWARD_DKDV, headDim),
                        FlashAttention.shape(FlashAttention.Pass.BACKWARD_DKDV, headDim, seqLen, batch * kvHeads),
                        cdk, cdv, d, l, delta, cq, ck, cv, seg, seqLen, heads, kvHeads, scale);
                return;
            }
            if (tiled(headDim, cdq, cdk, cdv, d, cq, ck, cv)) {
                int tpq = threadsPerRow(headDim);
                launcher.launch(ATTENTION_BACKWARD_DQ_TILED, tileGrid(seqLen, batch * heads, tpq),
                        cdq, d, l, delta, cq, ck, cv, seg, batch, seqLen, heads, kvHeads, headDim, scale, tpq);
                launcher.launch(ATTENTION_BACKWARD_DKDV_TILED, tileGrid(seqLen, batch * kvHeads, tpq),
                        cdk, cdv, d, l, delta, cq, ck, cv, seg, batch, seqLen, heads, kvHeads, headDim, scale, tpq);
                return;
            }
            launcher.launch(ATTENTION_BACKWARD_DQ, LaunchShape.perWarp(rows * heads),
                    cdq, d, l, delta, cq, ck, cv, seg, batch, seqLen, heads, kvHeads, headDim, scale);
            launcher.launch(ATTENTION_BACKWARD_DKDV, LaunchShape.perWarp(rows * kvHeads),
                    cdk, cdv, d, l, delta, cq, ck, cv, seg, batch, seqLen, heads, kvHeads, headDim, scale);
        } finally {
            workspace.release(delta);
        }
    }

    /**
     * Whether the shared-memory tiled kernels apply: head dims that are whole float4s up to
     * {@link #MAX_TILED_HEAD_DIM}, and tensors that start on 16 bytes (a view may not).
     */
    static boolean tiled(int headDim, CudaTensor... tensors) {
        if (headDim % 4 != 0 || headDim > MAX_TILED_HEAD_DIM) return false;
        for (CudaTensor t : tensors) if (t.offset() % 4 != 0) return false;
        return true;
    }

    /** Whether the flash kernels take this attention: turned on, head dim 64 or 128 within the shared memory, aligned tensors. */
    private boolean flash(int headDim, CudaTensor... tensors) {
        return flashSharedLimit > 0 && FlashAttention.supportsHeadDim(headDim) && FlashAttention.fits(headDim, flashSharedLimit)
                && tiled(headDim, tensors);
    }

    /** Threads that share one row in the tiled kernels: 32 dimensions each, a power of two. */
    static int threadsPerRow(int headDim) {
        return headDim <= 32 ? 1 : headDim <= 64 ? 2 : 4;
    }

    /** One 128-thread block per 128 / tpq rows (queries or keys) of one (batch row, head). */
    static LaunchShape tileGrid(int rows, int batchHeads, int tpq) {
        return new LaunchShape((int) LaunchShape.ceilDiv(rows, TILED_ATTENTION_THREADS / tpq), batchHeads,
                TILED_ATTENTION_THREADS);
    }

    private static void checkAttentionShape(int heads, int kvHeads, int headDim) {
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention: heads " + heads + " is not a multiple of kvHeads " + kvHeads);
        }
        if (headDim <= 0 || headDim > MAX_HEAD_DIM) {
            throw new IllegalArgumentException("attention: headDim " + headDim + " outside 1.." + MAX_HEAD_DIM);
        }
    }

    // ---- MLP -----------------------------------------------------------------------------

    @Override
    public void swigluForward(Tensor out, Tensor gate, Tensor up, long n) {
        CudaTensor o = f32(out, "out", n), g = f32(gate, "gate", n), u = f32(up, "up", n);
        if (n == 0) return;
        launcher.launch(SWIGLU_FORWARD, LaunchShape.elementwise(n), o, g, u, n);
    }

    @Override
    public void swigluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        CudaTensor dg = f32(dgate, "dgate", n), du = f32(dup, "dup", n), d = f32(dout, "dout", n);
        CudaTensor g = f32(gate, "gate", n), u = f32(up, "up", n);
        if (n == 0) return;
        launcher.launch(SWIGLU_BACKWARD, LaunchShape.elementwise(n), dg, du, d, g, u, n);
    }

    @Override
    public void gegluForward(Tensor out, Tensor gate, Tensor up, long n) {
        CudaTensor o = f32(out, "out", n), g = f32(gate, "gate", n), u = f32(up, "up", n);
        if (n == 0) return;
        launcher.launch(GEGLU_FORWARD, LaunchShape.elementwise(n), o, g, u, n);
    }

    @Override
    public void gegluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        CudaTensor dg = f32(dgate, "dgate", n), du = f32(dup, "dup", n), d = f32(dout, "dout", n);
        CudaTensor g = f32(gate, "gate", n), u = f32(up, "up", n);
        if (n == 0) return;
        launcher.launch(GEGLU_BACKWARD, LaunchShape.elementwise(n), dg, du, d, g, u, n);
    }

    @Override
    public void softcap(Tensor x, float cap, long n) {
        CudaTensor cx = f32(x, "x", n);
        if (n > 0) launcher.launch(SOFTCAP, LaunchShape.elementwise(n), cx, cap, n);
    }

    // ---- loss ----------------------------------------------------------------------------

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor losses, Tensor correct, Tensor targets,
                                    int n, int vocab, float gradScale, boolean computeGradient) {
        CudaTensor lg = f32(logits, "logits", (long) n * vocab), ls = f32(losses, "losses", n);
        CudaTensor cr = optionalF32(correct, "correct", n), t = i32(targets, "targets", n);
        if (n == 0) return;
        launcher.launch(SOFTMAX_CROSS_ENTROPY, LaunchShape.perRow(n, CROSS_ENTROPY_THREADS),
                lg, ls, cr, t, n, vocab, gradScale, flag(computeGradient));
    }

    // ---- elementwise and reductions ------------------------------------------------------

    @Override
    public void add(Tensor out, Tensor a, Tensor b, long n) {
        CudaTensor o = f32(out, "out", n), ca = f32(a, "a", n), cb = f32(b, "b", n);
        if (n > 0) launcher.launch(ADD, LaunchShape.elementwise(n), o, ca, cb, n);
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b, long n) {
        CudaTensor o = f32(out, "out", n), ca = f32(a, "a", n), cb = f32(b, "b", n);
        if (n > 0) launcher.launch(MUL, LaunchShape.elementwise(n), o, ca, cb, n);
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x, long n) {
        CudaTensor cy = f32(y, "y", n), cx = f32(x, "x", n);
        if (n > 0) launcher.launch(AXPY, LaunchShape.elementwise(n), cy, alpha, cx, n);
    }

    @Override
    public void scale(Tensor x, float alpha, long n) {
        CudaTensor cx = f32(x, "x", n);
        if (n > 0) launcher.launch(SCALE, LaunchShape.elementwise(n), cx, alpha, n);
    }

    @Override
    public void fill(Tensor x, float value, long n) {
        CudaTensor cx = f32(x, "x", n);
        if (n > 0) launcher.launch(FILL, LaunchShape.elementwise(n), cx, value, n);
    }

    @Override
    public double sumOfSquares(Tensor x, long n) {
        return reduce(f32(x, "x", n), n, true);
    }

    @Override
    public double sum(Tensor x, long n) {
        return reduce(f32(x, "x", n), n, false);
    }

    private double reduce(CudaTensor x, long n, boolean squares) {
        if (n == 0) return 0.0;
        LaunchShape partialShape = new LaunchShape(
                (int) Math.min(LaunchShape.ceilDiv(n, LaunchShape.THREADS), MAX_PARTIALS), 1, LaunchShape.THREADS);
        DeviceBlock partials = workspace.acquire((long) partialShape.gridX() * Double.BYTES);
        DeviceBlock result = workspace.acquire(Double.BYTES);
        try {
            launcher.launch(SUM_PARTIALS, partialShape, partials, x, n, flag(squares));
            launcher.launch(SUM_FINAL, new LaunchShape(1, 1, LaunchShape.THREADS), result, partials, partialShape.gridX());
            return workspace.readDouble(result);
        } finally {
            workspace.release(result);
            workspace.release(partials);
        }
    }

    // ---- optimizer -----------------------------------------------------------------------

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, long n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        if (step < 1) throw new IllegalArgumentException("adamw: step starts at 1, got " + step);
        CudaTensor p = f32(param, "param", n), g = f32(grad, "grad", n);
        CudaTensor cm = f32(m, "m", n), cv = f32(v, "v", n);
        if (n == 0) return;
        float biasCorrection1 = (float) (1.0 - Math.pow(beta1, step));
        float biasCorrection2 = (float) (1.0 - Math.pow(beta2, step));
        launcher.launch(ADAMW, LaunchShape.elementwise(n), p, g, cm, cv, n,
                lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2);
    }

    /** Bytes of one adamw_multi_f32 table entry: four pointers, the start (long long), the decay (float) and padding. */
    static final int ADAMW_ENTRY_LONGS = 6;

    /**
     * Every parameter in one launch over a table of their addresses and offsets, uploaded once
     * for the list AdamW passes each step (a new list uploads a new table).
     */
    @Override
    public void adamw(List<AdamWParameter> parameters, float lr, float beta1, float beta2, float eps, int step) {
        if (step < 1) throw new IllegalArgumentException("adamw: step starts at 1, got " + step);
        if (parameters.isEmpty()) return;
        if (parameters != adamwList) {
            long[] table = adamwTable(parameters);
            if (adamwTable != null) workspace.release(adamwTable);
            adamwTable = workspace.acquire((long) table.length * Long.BYTES);
            workspace.write(adamwTable, table);
            adamwList = parameters;
            adamwTotal = 0;
            for (AdamWParameter p : parameters) adamwTotal += p.param().size();
        }
        if (adamwTotal == 0) return;
        float biasCorrection1 = (float) (1.0 - Math.pow(beta1, step));
        float biasCorrection2 = (float) (1.0 - Math.pow(beta2, step));
        launcher.launch(ADAMW_MULTI, LaunchShape.elementwise(adamwTotal), adamwTable, parameters.size(), adamwTotal,
                lr, beta1, beta2, eps, biasCorrection1, biasCorrection2);
    }

    /** The adamw_multi_f32 table (struct AdamwEntry in elementwise.cu), as longs. */
    long[] adamwTable(List<AdamWParameter> parameters) {
        long[] table = new long[parameters.size() * ADAMW_ENTRY_LONGS];
        long start = 0;
        for (int i = 0; i < parameters.size(); i++) {
            AdamWParameter p = parameters.get(i);
            long n = p.param().size();
            CudaTensor param = f32(p.param(), "param", n), grad = f32(p.grad(), "grad", n);
            CudaTensor m = f32(p.m(), "m", n), v = f32(p.v(), "v", n);
            int e = i * ADAMW_ENTRY_LONGS;
            table[e] = DeviceAddress.of(param.pointer());
            table[e + 1] = DeviceAddress.of(grad.pointer());
            table[e + 2] = DeviceAddress.of(m.pointer());
            table[e + 3] = DeviceAddress.of(v.pointer());
            table[e + 4] = start;
            table[e + 5] = Float.floatToRawIntBits(p.weightDecay()) & 0xffff_ffffL; // little-endian: the float, then padding
            start += n;
        }
        return table;
    }

    // ---- argument checks -----------------------------------------------------------------

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }

    private CudaTensor cuda(Tensor t, String name, long needed) {
        if (t == null) throw new IllegalArgumentException("tensor '" + name + "' is null");
        if (!(t instanceof CudaTensor ct) || ct.device() != owner) {
            throw new IllegalArgumentException("tensor '" + name + "' belongs to another device: " + t);
        }
        ct.checkLive();
        if (ct.size() < needed) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + ct.size() + " elements, needs " + needed);
        }
        return ct;
    }

    private CudaTensor f32(Tensor t, String name, long needed) {
        return ofType(cuda(t, name, needed), name, DType.F32);
    }

    private CudaTensor i32(Tensor t, String name, long needed) {
        return ofType(cuda(t, name, needed), name, DType.I32);
    }

    private CudaTensor optionalF32(Tensor t, String name, long needed) {
        return t == null ? null : f32(t, name, needed);
    }

    /** Weights that may be frozen in BF16. */
    private CudaTensor weight(Tensor t, String name, long needed) {
        CudaTensor ct = cuda(t, name, needed);
        if (ct.dtype() == DType.I32) throw new IllegalArgumentException("tensor '" + name + "' must be F32 or BF16, is I32");
        return ct;
    }

    private static CudaTensor ofType(CudaTensor t, String name, DType dtype) {
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException("tensor '" + name + "' must be " + dtype + ", is " + t.dtype());
        }
        return t;
    }
}
