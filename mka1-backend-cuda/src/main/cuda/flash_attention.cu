// mka1-arch: compute_80
// Flash attention on tensor cores (FlashAttention-2 order), forward and backward, for head dims
// 64 and 128: causal grouped-query attention over packed rows with the same contract as
// attention_tiled.cu (keys first..last of each query, first = segStart[row], last = kvLen - qLen + i;
// out written, lse = max + log(sum) of the scaled scores; dq/dk/dv accumulated). FP32 tensors are
// rounded to BF16 as they are staged in shared memory; the products run as wmma 16x16x16 BF16
// MMAs with FP32 accumulation; softmax statistics stay FP32. No T x T matrix exists: a block
// of 4 warps owns 64 queries (forward, dq) or 64 keys (dk/dv), each warp 16 rows, and walks the
// other side 64 rows at a time. The forward keeps its output rows in shared memory so that the
// online softmax can rescale them per row; the backward recomputes P from the saved lse and
// keeps its accumulators in registers. Shared memory is dynamic (over 48 KB: the launcher
// raises the function's limit); FlashAttention.java computes the same sizes.
#include "common.cuh"
#include <cuda_bf16.h>
#include <mma.h>

using namespace nvcuda;

#define FA_ROWS 64      // queries (keys) per block: 4 warps x 16
#define FA_TILE 64      // keys (queries) per staged tile
#define FA_THREADS 128
#define FA_WARPS 4

typedef wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> FragA;
typedef wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> FragBRow;
typedef wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> FragBCol;
typedef wmma::fragment<wmma::accumulator, 16, 16, 16, float> FragC;

// Leading dimensions in shared memory: BF16 rows padded by 8 elements, FP32 rows by 4 (wmma
// needs multiples of 8 / 4; the padding spreads rows over the banks).
template <int D> struct Dims {
    static constexpr int LD_H = D + 8;            // a staged [64][D] BF16 tile
    static constexpr int LD_S = FA_TILE + 4;      // a warp's [16][64] FP32 scores
    static constexpr int LD_P = FA_TILE + 8;      // a warp's [16][64] BF16 probabilities
    static constexpr int LD_O = D + 4;            // a warp's [16][D] FP32 output rows
    static constexpr int TILE_H = FA_ROWS * LD_H; // elements
    static constexpr int WARP_S = 16 * LD_S, WARP_P = 16 * LD_P, WARP_O = 16 * LD_O;
};

// Rows [from, from + 64) of a [rows][stride] FP32 matrix's D-wide block, rounded to BF16 into
// tile[64][LD_H]; rows at or past `limit` become zeros.
template <int D>
__device__ __forceinline__ void stage_bf16(__nv_bfloat16* tile, const float* base, size_t stride, int from, int limit) {
    constexpr int PER_ROW = D / 4;
    for (int e = threadIdx.x; e < FA_ROWS * PER_ROW; e += FA_THREADS) {
        int r = e / PER_ROW, c = e % PER_ROW;
        float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
        if (from + r < limit) v = *reinterpret_cast<const float4*>(base + (size_t)(from + r) * stride + 4 * c);
        __nv_bfloat162* dst = reinterpret_cast<__nv_bfloat162*>(tile + r * Dims<D>::LD_H + 4 * c);
        dst[0] = __floats2bfloat162_rn(v.x, v.y);
        dst[1] = __floats2bfloat162_rn(v.z, v.w);
    }
}

// out[16][64] (FP32, ld LD_S) = a[16][D] . b[64][D]^T, both BF16 row-major in shared memory.
template <int D>
__device__ __forceinline__ void scores(float* out, const __nv_bfloat16* a, const __nv_bfloat16* b) {
#pragma unroll
    for (int c = 0; c < FA_TILE / 16; c++) {
        FragC acc;
        wmma::fill_fragment(acc, 0.0f);
#pragma unroll
        for (int d = 0; d < D / 16; d++) {
            FragA fa;
            FragBCol fb;
            wmma::load_matrix_sync(fa, a + d * 16, Dims<D>::LD_H);
            wmma::load_matrix_sync(fb, b + c * 16 * Dims<D>::LD_H + d * 16, Dims<D>::LD_H);
            wmma::mma_sync(acc, fa, fb, acc);
        }
        wmma::store_matrix_sync(out + c * 16, acc, Dims<D>::LD_S, wmma::mem_row_major);
    }
}

// acc[c] += p[16][64] (BF16, ld LD_P) . m[64][D] (BF16 row-major, ld LD_H), column block c of D.
template <int D>
__device__ __forceinline__ void accumulate(FragC (&acc)[D / 16], const __nv_bfloat16* p, const __nv_bfloat16* m) {
#pragma unroll
    for (int kk = 0; kk < FA_TILE / 16; kk++) {
        FragA fa;
        wmma::load_matrix_sync(fa, p + kk * 16, Dims<D>::LD_P);
#pragma unroll
        for (int c = 0; c < D / 16; c++) {
            FragBRow fb;
            wmma::load_matrix_sync(fb, m + kk * 16 * Dims<D>::LD_H + c * 16, Dims<D>::LD_H);
            wmma::mma_sync(acc[c], fa, fb, acc[c]);
        }
    }
}

// Block-wide minimum of one value per thread.
__device__ __forceinline__ int fa_block_min(int v) {
    __shared__ int lowest;
    if (threadIdx.x == 0) lowest = 0x7fffffff;
    __syncthreads();
    atomicMin(&lowest, v);
    __syncthreads();
    return lowest;
}

// Grid: (ceil(qLen / 64), batch * heads), 128 threads, Dims<D> shared memory (see FlashAttention.java).
template <int D>
__device__ void flash_forward(float* out, float* lse, const float* q, const float* k, const float* v, const int* segStart,
                              int qLen, int kvLen, int heads, int kvHeads, float scale) {
    typedef Dims<D> L;
    extern __shared__ __align__(16) unsigned char smem[];
    __nv_bfloat16* Qs = reinterpret_cast<__nv_bfloat16*>(smem);
    __nv_bfloat16* Ks = Qs + L::TILE_H;
    __nv_bfloat16* Vs = Ks + L::TILE_H;
    float* Ss = reinterpret_cast<float*>(Vs + L::TILE_H);
    __nv_bfloat16* Ps = reinterpret_cast<__nv_bfloat16*>(Ss + FA_WARPS * L::WARP_S);
    float* Os = reinterpret_cast<float*>(Ps + FA_WARPS * L::WARP_P);
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float* S = Ss + warp * L::WARP_S;
    __nv_bfloat16* P = Ps + warp * L::WARP_P;
    float* O = Os + warp * L::WARP_O;
    int b = blockIdx.y / heads, h = blockIdx.y % heads, kvh = h / (heads / kvHeads);
    size_t qStride = (size_t)heads * D, kvStride = (size_t)kvHeads * D;
    int i0 = blockIdx.x * FA_ROWS;
    stage_bf16<D>(Qs, q + (size_t)b * qLen * qStride + (size_t)h * D, qStride, i0, qLen);
    for (int e = lane; e < 16 * L::LD_O; e += 32) O[e] = 0.0f;
    // This lane's row (two lanes per row, 32 score columns and D/2 output columns each).
    int r = lane >> 1, half = lane & 1;
    int i = i0 + warp * 16 + r;
    bool present = i < qLen;
    long long row = (long long)b * qLen + (present ? i : qLen - 1);
    int first = segStart[row], last = kvLen - qLen + (present ? i : 0);
    int from = fa_block_min(i < qLen && threadIdx.x % 2 == 0 ? first : 0x7fffffff);
    int lastInBlock = kvLen - qLen + min(qLen - 1, i0 + FA_ROWS - 1);
    const float* kBase = k + (size_t)b * kvLen * kvStride + (size_t)kvh * D;
    const float* vBase = v + (size_t)b * kvLen * kvStride + (size_t)kvh * D;
    float runMax = -INFINITY, runSum = 0.0f;
    for (int j0 = from; j0 <= lastInBlock; j0 += FA_TILE) {
        __syncthreads();  // the previous tiles are no longer read
        stage_bf16<D>(Ks, kBase, kvStride, j0, kvLen);
        stage_bf16<D>(Vs, vBase, kvStride, j0, kvLen);
        __syncthreads();
        scores<D>(S, Qs + warp * 16 * L::LD_H, Ks);
        __syncwarp();
        float s[32];
        float tileMax = -INFINITY;
#pragma unroll
        for (int c = 0; c < 32; c++) {
            int j = j0 + half * 32 + c;
            s[c] = present && j >= first && j <= last ? S[r * L::LD_S + half * 32 + c] * scale : -INFINITY;
            tileMax = fmaxf(tileMax, s[c]);
        }
        tileMax = fmaxf(tileMax, __shfl_xor_sync(0xffffffffu, tileMax, 1));
        float newMax = fmaxf(runMax, tileMax);
        float correction = runMax == -INFINITY ? 0.0f : __expf(runMax - newMax);
        float tileSum = 0.0f;
#pragma unroll
        for (int c = 0; c < 32; c++) {
            float p = s[c] == -INFINITY ? 0.0f : __expf(s[c] - newMax);
            tileSum += p;
            P[r * L::LD_P + half * 32 + c] = __float2bfloat16_rn(p);
        }
        tileSum += __shfl_xor_sync(0xffffffffu, tileSum, 1);
        runSum = runSum * correction + tileSum;
        runMax = newMax;
        for (int d = half * (D / 2); d < (half + 1) * (D / 2); d++) O[r * L::LD_O + d] *= correction;
        __syncwarp();
        FragC acc[D / 16];
#pragma unroll
        for (int c = 0; c < D / 16; c++) wmma::load_matrix_sync(acc[c], O + c * 16, L::LD_O, wmma::mem_row_major);
        accumulate<D>(acc, P, Vs);
#pragma unroll
        for (int c = 0; c < D / 16; c++) wmma::store_matrix_sync(O + c * 16, acc[c], L::LD_O, wmma::mem_row_major);
        __syncwarp();
    }
    if (!present) return;
    float inv = runSum > 0.0f ? 1.0f / runSum : 0.0f;
    float* dst = out + row * qStride + (size_t)h * D;
    for (int d = half * (D / 2); d < (half + 1) * (D / 2); d++) dst[d] = O[r * L::LD_O + d] * inv;
    if (lse != nullptr && half == 0) lse[row * heads + h] = runMax + logf(runSum);
}

// dq += scale * sum_j P_ij (dP_ij - delta_i) k_j. Grid and block as the forward pass.
template <int D>
__device__ void flash_backward_dq(float* dq, const float* dout, const float* lse, const float* delta, const float* q,
                                  const float* k, const float* v, const int* segStart, int seqLen, int heads, int kvHeads,
                                  float scale) {
    typedef Dims<D> L;
    extern __shared__ __align__(16) unsigned char smem[];
    __nv_bfloat16* Qs = reinterpret_cast<__nv_bfloat16*>(smem);
    __nv_bfloat16* Ds = Qs + L::TILE_H;
    __nv_bfloat16* Ks = Ds + L::TILE_H;
    __nv_bfloat16* Vs = Ks + L::TILE_H;
    float* Ss = reinterpret_cast<float*>(Vs + L::TILE_H);
    float* Dps = Ss + FA_WARPS * L::WARP_S;
    __nv_bfloat16* Ps = reinterpret_cast<__nv_bfloat16*>(Dps + FA_WARPS * L::WARP_S);
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float* S = Ss + warp * L::WARP_S;
    float* Dp = Dps + warp * L::WARP_S;
    __nv_bfloat16* P = Ps + warp * L::WARP_P;
    int b = blockIdx.y / heads, h = blockIdx.y % heads, kvh = h / (heads / kvHeads);
    size_t qStride = (size_t)heads * D, kvStride = (size_t)kvHeads * D;
    int i0 = blockIdx.x * FA_ROWS;
    size_t qBase = (size_t)b * seqLen * qStride + (size_t)h * D;
    stage_bf16<D>(Qs, q + qBase, qStride, i0, seqLen);
    stage_bf16<D>(Ds, dout + qBase, qStride, i0, seqLen);
    int r = lane >> 1, half = lane & 1;
    int i = i0 + warp * 16 + r;
    bool present = i < seqLen;
    long long row = (long long)b * seqLen + (present ? i : seqLen - 1);
    int first = segStart[row];
    float rowLse = lse[row * heads + h], rowDelta = delta[row * heads + h];
    int from = fa_block_min(present && half == 0 ? first : 0x7fffffff);
    int lastInBlock = min(seqLen - 1, i0 + FA_ROWS - 1);
    const float* kBase = k + (size_t)b * seqLen * kvStride + (size_t)kvh * D;
    const float* vBase = v + (size_t)b * seqLen * kvStride + (size_t)kvh * D;
    FragC acc[D / 16];
#pragma unroll
    for (int c = 0; c < D / 16; c++) wmma::fill_fragment(acc[c], 0.0f);
    for (int j0 = from; j0 <= lastInBlock; j0 += FA_TILE) {
        __syncthreads();
        stage_bf16<D>(Ks, kBase, kvStride, j0, seqLen);
        stage_bf16<D>(Vs, vBase, kvStride, j0, seqLen);
        __syncthreads();
        scores<D>(S, Qs + warp * 16 * L::LD_H, Ks);
        scores<D>(Dp, Ds + warp * 16 * L::LD_H, Vs);
        __syncwarp();
#pragma unroll 8
        for (int c = 0; c < 32; c++) {
            int col = half * 32 + c, j = j0 + col;
            float ds = 0.0f;
            if (present && j >= first && j <= i) {
                float p = __expf(S[r * L::LD_S + col] * scale - rowLse);
                ds = p * (Dp[r * L::LD_S + col] - rowDelta);
            }
            P[r * L::LD_P + col] = __float2bfloat16_rn(ds);
        }
        __syncwarp();
        accumulate<D>(acc, P, Ks);
    }
    __syncthreads();  // reuse the score buffers to stage this warp's dq rows
    float* O = Ss + warp * 16 * L::LD_O;
#pragma unroll
    for (int c = 0; c < D / 16; c++) wmma::store_matrix_sync(O + c * 16, acc[c], L::LD_O, wmma::mem_row_major);
    __syncwarp();
    if (!present) return;
    float* dst = dq + row * qStride + (size_t)h * D;
    for (int d = half * (D / 2); d < (half + 1) * (D / 2); d++) dst[d] += scale * O[r * L::LD_O + d];
}

// dk += scale * sum_{i, h in group} P_ij (dP_ij - delta_i) q_i, dv += sum P_ij dout_i; one warp per
// 16 keys. Grid: (ceil(seqLen / 64), batch * kvHeads), 128 threads.
template <int D>
__device__ void flash_backward_dkdv(float* dk, float* dv, const float* dout, const float* lse, const float* delta,
                                    const float* q, const float* k, const float* v, const int* segStart, int seqLen,
                                    int heads, int kvHeads, float scale) {
    typedef Dims<D> L;
    extern __shared__ __align__(16) unsigned char smem[];
    __nv_bfloat16* Ks = reinterpret_cast<__nv_bfloat16*>(smem);
    __nv_bfloat16* Vs = Ks + L::TILE_H;
    __nv_bfloat16* Qs = Vs + L::TILE_H;
    __nv_bfloat16* Ds = Qs + L::TILE_H;
    float* Ss = reinterpret_cast<float*>(Ds + L::TILE_H);
    float* Dps = Ss + FA_WARPS * L::WARP_S;
    __nv_bfloat16* Ps = reinterpret_cast<__nv_bfloat16*>(Dps + FA_WARPS * L::WARP_S);
    __nv_bfloat16* DSs = Ps + FA_WARPS * L::WARP_P;
    float* lseS = reinterpret_cast<float*>(DSs + FA_WARPS * L::WARP_P);
    float* deltaS = lseS + FA_TILE;
    int* segS = reinterpret_cast<int*>(deltaS + FA_TILE);
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float* S = Ss + warp * L::WARP_S;
    float* Dp = Dps + warp * L::WARP_S;
    __nv_bfloat16* P = Ps + warp * L::WARP_P;
    __nv_bfloat16* DS = DSs + warp * L::WARP_P;
    int b = blockIdx.y / kvHeads, kvh = blockIdx.y % kvHeads, group = heads / kvHeads;
    size_t qStride = (size_t)heads * D, kvStride = (size_t)kvHeads * D;
    int j0 = blockIdx.x * FA_ROWS;
    size_t kvBase = (size_t)b * seqLen * kvStride + (size_t)kvh * D;
    stage_bf16<D>(Ks, k + kvBase, kvStride, j0, seqLen);
    stage_bf16<D>(Vs, v + kvBase, kvStride, j0, seqLen);
    int r = lane >> 1, half = lane & 1;
    int j = j0 + warp * 16 + r;   // this lane's key
    bool present = j < seqLen;
    long long rowBase = (long long)b * seqLen;
    FragC dkAcc[D / 16], dvAcc[D / 16];
#pragma unroll
    for (int c = 0; c < D / 16; c++) {
        wmma::fill_fragment(dkAcc[c], 0.0f);
        wmma::fill_fragment(dvAcc[c], 0.0f);
    }
    for (int g = 0; g < group; g++) {
        int h = kvh * group + g;
        const float* qBase = q + rowBase * qStride + (size_t)h * D;
        const float* dBase = dout + rowBase * qStride + (size_t)h * D;
        for (int i0 = j0; i0 < seqLen; i0 += FA_TILE) {  // queries before the block's first key see none of its keys
            __syncthreads();
            stage_bf16<D>(Qs, qBase, qStride, i0, seqLen);
            stage_bf16<D>(Ds, dBase, qStride, i0, seqLen);
            if (threadIdx.x < FA_TILE) {
                int i = i0 + threadIdx.x;
                bool in = i < seqLen;
                lseS[threadIdx.x] = in ? lse[(rowBase + i) * heads + h] : 0.0f;
                deltaS[threadIdx.x] = in ? delta[(rowBase + i) * heads + h] : 0.0f;
                segS[threadIdx.x] = in ? segStart[rowBase + i] : 0x7fffffff;
            }
            __syncthreads();
            scores<D>(S, Ks + warp * 16 * L::LD_H, Qs);   // S^T: this warp's keys x the tile's queries
            scores<D>(Dp, Vs + warp * 16 * L::LD_H, Ds);  // dP^T
            __syncwarp();
#pragma unroll 8
            for (int c = 0; c < 32; c++) {
                int col = half * 32 + c, i = i0 + col;
                float p = 0.0f, ds = 0.0f;
                if (present && i >= j && i < seqLen && segS[col] <= j) {
                    p = __expf(S[r * L::LD_S + col] * scale - lseS[col]);
                    ds = p * (Dp[r * L::LD_S + col] - deltaS[col]);
                }
                P[r * L::LD_P + col] = __float2bfloat16_rn(p);
                DS[r * L::LD_P + col] = __float2bfloat16_rn(ds);
            }
            __syncwarp();
            accumulate<D>(dvAcc, P, Ds);
            accumulate<D>(dkAcc, DS, Qs);
        }
    }
    __syncthreads();  // reuse the score buffers to stage this warp's rows
    float* O = Ss + warp * 16 * L::LD_O;
    float* dkRow = dk + (rowBase + (present ? j : 0)) * kvStride + (size_t)kvh * D;
    float* dvRow = dv + (rowBase + (present ? j : 0)) * kvStride + (size_t)kvh * D;
#pragma unroll
    for (int c = 0; c < D / 16; c++) wmma::store_matrix_sync(O + c * 16, dkAcc[c], L::LD_O, wmma::mem_row_major);
    __syncwarp();
    if (present) for (int d = half * (D / 2); d < (half + 1) * (D / 2); d++) dkRow[d] += scale * O[r * L::LD_O + d];
    __syncwarp();
#pragma unroll
    for (int c = 0; c < D / 16; c++) wmma::store_matrix_sync(O + c * 16, dvAcc[c], L::LD_O, wmma::mem_row_major);
    __syncwarp();
    if (present) for (int d = half * (D / 2); d < (half + 1) * (D / 2); d++) dvRow[d] += O[r * L::LD_O + d];
}

#define FLASH_ENTRIES(D)                                                                                              \
    extern "C" __global__ void __launch_bounds__(FA_THREADS) flash_attention_forward_d##D(float* out, float* lse,     \
            const float* q, const float* k, const float* v, const int* segStart, int qLen, int kvLen, int heads,      \
            int kvHeads, float scale) {                                                                                \
        flash_forward<D>(out, lse, q, k, v, segStart, qLen, kvLen, heads, kvHeads, scale);                             \
    }                                                                                                                  \
    extern "C" __global__ void __launch_bounds__(FA_THREADS) flash_attention_backward_dq_d##D(float* dq,              \
            const float* dout, const float* lse, const float* delta, const float* q, const float* k, const float* v,  \
            const int* segStart, int seqLen, int heads, int kvHeads, float scale) {                                    \
        flash_backward_dq<D>(dq, dout, lse, delta, q, k, v, segStart, seqLen, heads, kvHeads, scale);                  \
    }                                                                                                                  \
    extern "C" __global__ void __launch_bounds__(FA_THREADS) flash_attention_backward_dkdv_d##D(float* dk, float* dv, \
            const float* dout, const float* lse, const float* delta, const float* q, const float* k, const float* v,  \
            const int* segStart, int seqLen, int heads, int kvHeads, float scale) {                                    \
        flash_backward_dkdv<D>(dk, dv, dout, lse, delta, q, k, v, segStart, seqLen, heads, kvHeads, scale);            \
    }

FLASH_ENTRIES(64)
FLASH_ENTRIES(128)
