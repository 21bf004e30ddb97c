// mka1-arch: compute_80
// Tensor-core matmul (sm_80+): the same contract as matmul.cu, on TF32 mma through wmma.
// TF32 keeps 10 mantissa bits, so with precise != 0 each operand is split into a TF32 "big"
// part and a TF32 remainder and three products are summed (3xTF32: big*big + big*small +
// small*big, Ootomo & Yokota 2022), which recovers FP32 accuracy at three times the tensor-core work; a BF16 B is
// exact in TF32 and needs no split (2 products). precise == 0 is plain TF32 (one product).
// matmul_tc_bf16mma_* round both operands to BF16 and use BF16 mma (FP32 accumulation): the
// mixed-precision speed of the tensor cores, opt-in because it is far from FP32 accuracy.
// Block tile 128x64, 8 warps of 32x32 (2x2 fragments of 16x16), 32-deep K slices in shared
// memory (BF16: the next slice's global loads in flight, in registers, while the current one is
// multiplied); a per-warp 16x16 staging tile applies alpha, accumulate and the bounds.
// Split K: a grid of gridDim.z > 1 cuts k into gridDim.z ranges (whole slices), and block z writes
// its product to c + z*m*n (the caller passes a workspace, alpha 1, no accumulate, then sums the
// splits in a fixed order with matmul_sum_splits_f32): few output tiles with a long k (weight
// gradients, LoRA's rank-sized products) would otherwise leave most SMs idle.
#include "common.cuh"
#include <cuda_bf16.h>
#include <mma.h>

using namespace nvcuda;

#define TC_M 128
#define TC_N 64
#define TC_K 32
#define TC_THREADS 256
#define A_LD (TC_K + 4)
#define B_LD (TC_N + 4)

typedef wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> FragA;
typedef wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> FragB;
typedef wmma::fragment<wmma::accumulator, 16, 16, 8, float> FragC;

// This block's k range under split K: gridDim.z parts of whole TC_K slices (trailing ones may be empty).
__device__ __forceinline__ void split_range(int k, int* begin, int* end) {
    int chunk = ((k + gridDim.z - 1) / gridDim.z + TC_K - 1) / TC_K * TC_K;
    *begin = min(k, (int)blockIdx.z * chunk);
    *end = min(k, *begin + chunk);
}

// ---- the BF16 kernel stages one K slice: global -> registers (issued before the previous slice's
// MMAs, so the loads are in flight while the tensor cores work) -> shared memory. Each thread moves quads of 4
// elements that are neighbours in global memory (along k, m or n as the layout has it): one
// 16-byte load (8 for BF16) when the quad is whole and aligned, else 4 guarded scalar loads.
#define A_QUADS (TC_M * TC_K / 4 / TC_THREADS)   // 4 per thread
#define B_QUADS (TC_K * TC_N / 4 / TC_THREADS)   // 2 per thread

struct Slice {
    float a[A_QUADS][4];
    float b[B_QUADS][4];
};

__device__ __forceinline__ float4 load4(const float* p) { return *reinterpret_cast<const float4*>(p); }
__device__ __forceinline__ float4 load4(const uint16_t* p) {
    uint2 u = *reinterpret_cast<const uint2*>(p);
    return make_float4(bf16_to_float(u.x & 0xffffu), bf16_to_float(u.x >> 16), bf16_to_float(u.y & 0xffffu),
                       bf16_to_float(u.y >> 16));
}
__device__ __forceinline__ float load1(const float* p) { return *p; }
__device__ __forceinline__ float load1(const uint16_t* p) { return bf16_to_float(*p); }

// r <- src[0..3], elements at contiguous index c..c+3 of a line that exists (lineOk) and ends at limit.
template <typename T>
__device__ __forceinline__ void load_quad(float (&r)[4], const T* src, int c, int limit, bool lineOk, bool vec) {
    if (lineOk && vec && c + 3 < limit) {
        float4 v = load4(src);
        r[0] = v.x; r[1] = v.y; r[2] = v.z; r[3] = v.w;
    } else {
#pragma unroll
        for (int t = 0; t < 4; t++) r[t] = lineOk && c + t < limit ? load1(src + t) : 0.0f;
    }
}

template <typename TB>
__device__ __forceinline__ void load_slice(Slice& s, const float* a, const TB* b, int m, int n, int k, int kEnd,
                                           int m0, int n0, int k0, int transA, int transB, bool vecA, bool vecB) {
#pragma unroll
    for (int u = 0; u < A_QUADS; u++) {
        int q = threadIdx.x + u * TC_THREADS;
        if (transA) {  // a is [k][m]: quads run along m
            int p = q / (TC_M / 4), i = q % (TC_M / 4) * 4;
            load_quad(s.a[u], a + (size_t)(k0 + p) * m + m0 + i, m0 + i, m, k0 + p < kEnd, vecA);
        } else {       // a is [m][k]: quads run along k
            int i = q / (TC_K / 4), p = q % (TC_K / 4) * 4;
            load_quad(s.a[u], a + (size_t)(m0 + i) * k + k0 + p, k0 + p, kEnd, m0 + i < m, vecA);
        }
    }
#pragma unroll
    for (int u = 0; u < B_QUADS; u++) {
        int q = threadIdx.x + u * TC_THREADS;
        if (transB) {  // b is [n][k]: quads run along k
            int j = q / (TC_K / 4), p = q % (TC_K / 4) * 4;
            load_quad(s.b[u], b + (size_t)(n0 + j) * k + k0 + p, k0 + p, kEnd, n0 + j < n, vecB);
        } else {       // b is [k][n]: quads run along n
            int p = q / (TC_N / 4), j = q % (TC_N / 4) * 4;
            load_quad(s.b[u], b + (size_t)(k0 + p) * n + n0 + j, n0 + j, n, k0 + p < kEnd, vecB);
        }
    }
}

__device__ __forceinline__ void put(float* dst, float v) { *dst = v; }
__device__ __forceinline__ void put(__nv_bfloat16* dst, float v) { *dst = __float2bfloat16_rn(v); }

// Shared tiles: As[i * aLd + p] (row i of the block's A, k index p), Bs[p * bLd + j].
template <typename TS>
__device__ __forceinline__ void store_slice(const Slice& s, TS* As, int aLd, TS* Bs, int bLd, int transA, int transB) {
#pragma unroll
    for (int u = 0; u < A_QUADS; u++) {
        int q = threadIdx.x + u * TC_THREADS;
        if (transA) {
            int p = q / (TC_M / 4), i = q % (TC_M / 4) * 4;
#pragma unroll
            for (int t = 0; t < 4; t++) put(As + (i + t) * aLd + p, s.a[u][t]);
        } else {
            int i = q / (TC_K / 4), p = q % (TC_K / 4) * 4;
#pragma unroll
            for (int t = 0; t < 4; t++) put(As + i * aLd + p + t, s.a[u][t]);
        }
    }
#pragma unroll
    for (int u = 0; u < B_QUADS; u++) {
        int q = threadIdx.x + u * TC_THREADS;
        if (transB) {
            int j = q / (TC_K / 4), p = q % (TC_K / 4) * 4;
#pragma unroll
            for (int t = 0; t < 4; t++) put(Bs + (p + t) * bLd + j, s.b[u][t]);
        } else {
            int p = q / (TC_N / 4), j = q % (TC_N / 4) * 4;
#pragma unroll
            for (int t = 0; t < 4; t++) put(Bs + p * bLd + j + t, s.b[u][t]);
        }
    }
}

// Whole quads can be loaded as vectors: aligned bases and rows of a multiple of 4 elements.
__device__ __forceinline__ bool vec_ok(const void* base, int align, int contiguousLength) {
    return ((uintptr_t)base % align) == 0 && contiguousLength % 4 == 0;
}

// hi <- tf32(x), lo <- tf32(x - tf32(x)), element by element (the same op on every element).
template <typename Frag>
__device__ __forceinline__ void split_tf32(Frag& hi, Frag& lo) {
#pragma unroll
    for (int t = 0; t < hi.num_elements; t++) {
        float x = hi.x[t];
        float h = wmma::__float_to_tf32(x);
        hi.x[t] = h;
        lo.x[t] = wmma::__float_to_tf32(x - h);
    }
}

template <typename Frag>
__device__ __forceinline__ void round_tf32(Frag& f) {
#pragma unroll
    for (int t = 0; t < f.num_elements; t++) f.x[t] = wmma::__float_to_tf32(f.x[t]);
}

// Writes a warp's 2x2 accumulator fragments through its staging tile: out = alpha*acc (+ out).
template <typename Acc>
__device__ __forceinline__ void store_tile(Acc (&acc)[2][2], float* stage, float* c, int m, int n,
                                           int rowBase, int colBase, float alpha, int accumulate) {
    int lane = threadIdx.x % MKA1_WARP;
#pragma unroll
    for (int fi = 0; fi < 2; fi++)
#pragma unroll
        for (int fj = 0; fj < 2; fj++) {
            wmma::store_matrix_sync(stage, acc[fi][fj], 16, wmma::mem_row_major);
            __syncwarp();
            for (int e = lane; e < 256; e += MKA1_WARP) {
                int gi = rowBase + fi * 16 + e / 16, gj = colBase + fj * 16 + e % 16;
                if (gi < m && gj < n) {
                    float* out = c + (size_t)gi * n + gj;
                    float v = alpha * stage[e];
                    *out = accumulate ? *out + v : v;
                }
            }
            __syncwarp();
        }
}

template <typename TB, bool SPLIT_B>
__device__ __forceinline__ void matmul_tc(float* c, const float* a, const TB* b, int m, int n, int k,
                                          int transA, int transB, float alpha, int accumulate, int precise) {
    __shared__ __align__(32) float As[TC_M * A_LD];
    __shared__ __align__(32) float Bs[TC_K * B_LD];
    __shared__ __align__(32) float Cs[TC_THREADS / MKA1_WARP][16 * 16];
    int warp = threadIdx.x / MKA1_WARP;
    int wm = warp % 4, wn = warp / 4;
    int m0 = blockIdx.y * TC_M, n0 = blockIdx.x * TC_N;
    int kBegin, kEnd;
    split_range(k, &kBegin, &kEnd);
    c += (size_t)blockIdx.z * m * n;
    FragC acc[2][2];
#pragma unroll
    for (int fi = 0; fi < 2; fi++)
#pragma unroll
        for (int fj = 0; fj < 2; fj++) wmma::fill_fragment(acc[fi][fj], 0.0f);

    // Direct scalar loads here: this kernel's split fragments leave no registers for staging a
    // slice as the BF16 kernel does (170 instead of 109 per thread, one block per SM instead of
    // two: 10% slower on an H100).
    for (int k0 = kBegin; k0 < kEnd; k0 += TC_K) {
        __syncthreads();  // the previous slice's fragments are loaded
        for (int e = threadIdx.x; e < TC_M * TC_K; e += TC_THREADS) {
            int i, p;
            if (transA) { p = e / TC_M; i = e % TC_M; } else { i = e / TC_K; p = e % TC_K; }
            int gi = m0 + i, gp = k0 + p;
            float v = 0.0f;
            if (gi < m && gp < kEnd) v = transA ? a[(size_t)gp * m + gi] : a[(size_t)gi * k + gp];
            As[i * A_LD + p] = v;
        }
        for (int e = threadIdx.x; e < TC_K * TC_N; e += TC_THREADS) {
            int j, p;
            if (transB) { j = e / TC_K; p = e % TC_K; } else { p = e / TC_N; j = e % TC_N; }
            int gj = n0 + j, gp = k0 + p;
            float v = 0.0f;
            if (gj < n && gp < kEnd) v = load1(transB ? b + (size_t)gj * k + gp : b + (size_t)gp * n + gj);
            Bs[p * B_LD + j] = v;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TC_K; kk += 8) {
            FragA aHi[2], aLo[2];
            FragB bHi[2], bLo[2];
#pragma unroll
            for (int fi = 0; fi < 2; fi++) {
                wmma::load_matrix_sync(aHi[fi], As + (wm * 32 + fi * 16) * A_LD + kk, A_LD);
                if (precise) split_tf32(aHi[fi], aLo[fi]); else round_tf32(aHi[fi]);
            }
#pragma unroll
            for (int fj = 0; fj < 2; fj++) {
                wmma::load_matrix_sync(bHi[fj], Bs + kk * B_LD + wn * 32 + fj * 16, B_LD);
                if (precise && SPLIT_B) split_tf32(bHi[fj], bLo[fj]); else round_tf32(bHi[fj]);
            }
#pragma unroll
            for (int fi = 0; fi < 2; fi++)
#pragma unroll
                for (int fj = 0; fj < 2; fj++) {
                    if (precise) {
                        // The tensor cores round their fp32 sums toward zero; fed the running
                        // sum, that bias grows with k (measured 4e-4 at k=576, H100). So the
                        // three products of each 8-deep step (small terms first) sum into a
                        // fresh fragment, added to the running sum with round-to-nearest.
                        FragC part;
                        wmma::fill_fragment(part, 0.0f);
                        if (SPLIT_B) wmma::mma_sync(part, aHi[fi], bLo[fj], part);
                        wmma::mma_sync(part, aLo[fi], bHi[fj], part);
                        wmma::mma_sync(part, aHi[fi], bHi[fj], part);
#pragma unroll
                        for (int t = 0; t < part.num_elements; t++) acc[fi][fj].x[t] += part.x[t];
                    } else {
                        wmma::mma_sync(acc[fi][fj], aHi[fi], bHi[fj], acc[fi][fj]);
                    }
                }
        }
    }
    store_tile(acc, Cs[warp], c, m, n, m0 + wm * 32, n0 + wn * 32, alpha, accumulate);
}

#define H_LD (TC_K + 8)   // bf16 leading dimensions: multiples of 8 elements, rows 32-byte aligned
#define HB_LD (TC_N + 16)

typedef wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> FragAh;
typedef wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> FragBh;
typedef wmma::fragment<wmma::accumulator, 16, 16, 16, float> FragCh;


template <typename TB>
__device__ __forceinline__ void matmul_bf16mma(float* c, const float* a, const TB* b, int m, int n, int k,
                                               int transA, int transB, float alpha, int accumulate) {
    __shared__ __align__(32) __nv_bfloat16 As[TC_M * H_LD];
    __shared__ __align__(32) __nv_bfloat16 Bs[TC_K * HB_LD];
    __shared__ __align__(32) float Cs[TC_THREADS / MKA1_WARP][16 * 16];
    int warp = threadIdx.x / MKA1_WARP;
    int wm = warp % 4, wn = warp / 4;
    int m0 = blockIdx.y * TC_M, n0 = blockIdx.x * TC_N;
    int kBegin, kEnd;
    split_range(k, &kBegin, &kEnd);
    c += (size_t)blockIdx.z * m * n;
    FragCh acc[2][2];
#pragma unroll
    for (int fi = 0; fi < 2; fi++)
#pragma unroll
        for (int fj = 0; fj < 2; fj++) wmma::fill_fragment(acc[fi][fj], 0.0f);
    bool vecA = vec_ok(a, 16, transA ? m : k), vecB = vec_ok(b, 4 * sizeof(TB), transB ? k : n);
    Slice slice;
    if (kBegin < kEnd) load_slice(slice, a, b, m, n, k, kEnd, m0, n0, kBegin, transA, transB, vecA, vecB);
    for (int k0 = kBegin; k0 < kEnd; k0 += TC_K) {
        __syncthreads();
        store_slice(slice, As, H_LD, Bs, HB_LD, transA, transB);
        __syncthreads();
        if (k0 + TC_K < kEnd) load_slice(slice, a, b, m, n, k, kEnd, m0, n0, k0 + TC_K, transA, transB, vecA, vecB);
#pragma unroll
        for (int kk = 0; kk < TC_K; kk += 16) {
            FragAh af[2];
            FragBh bf[2];
#pragma unroll
            for (int fi = 0; fi < 2; fi++) wmma::load_matrix_sync(af[fi], As + (wm * 32 + fi * 16) * H_LD + kk, H_LD);
#pragma unroll
            for (int fj = 0; fj < 2; fj++) wmma::load_matrix_sync(bf[fj], Bs + kk * HB_LD + wn * 32 + fj * 16, HB_LD);
#pragma unroll
            for (int fi = 0; fi < 2; fi++)
#pragma unroll
                for (int fj = 0; fj < 2; fj++) wmma::mma_sync(acc[fi][fj], af[fi], bf[fj], acc[fi][fj]);
        }
    }
    store_tile(acc, Cs[warp], c, m, n, m0 + wm * 32, n0 + wn * 32, alpha, accumulate);
}

extern "C" __global__ void __launch_bounds__(TC_THREADS) matmul_tc_bf16mma_f32(float* c, const float* a,
        const float* b, int m, int n, int k, int transA, int transB, float alpha, int accumulate) {
    matmul_bf16mma<float>(c, a, b, m, n, k, transA, transB, alpha, accumulate);
}

extern "C" __global__ void __launch_bounds__(TC_THREADS) matmul_tc_bf16mma_bf16(float* c, const float* a,
        const uint16_t* b, int m, int n, int k, int transA, int transB, float alpha, int accumulate) {
    matmul_bf16mma<uint16_t>(c, a, b, m, n, k, transA, transB, alpha, accumulate);
}

extern "C" __global__ void __launch_bounds__(TC_THREADS) matmul_tc_f32(float* c, const float* a, const float* b,
        int m, int n, int k, int transA, int transB, float alpha, int accumulate, int precise) {
    matmul_tc<float, true>(c, a, b, m, n, k, transA, transB, alpha, accumulate, precise);
}

extern "C" __global__ void __launch_bounds__(TC_THREADS) matmul_tc_bf16(float* c, const float* a, const uint16_t* b,
        int m, int n, int k, int transA, int transB, float alpha, int accumulate, int precise) {
    matmul_tc<uint16_t, false>(c, a, b, m, n, k, transA, transB, alpha, accumulate, precise);
}
