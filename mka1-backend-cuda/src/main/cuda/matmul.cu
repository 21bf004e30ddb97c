// C[m,n] = (accumulate ? C : 0) + alpha * op(A)[m,k] * op(B)[k,n], FP32 accumulation.
// A is stored [m,k] ([k,m] when transA); B is stored [k,n] ([n,k] when transB), F32 or BF16.
// Tiled SIMT kernel: a 64x64 tile of C per block of 256 threads, 4x4 outputs per thread,
// 16-deep slices of A and B staged in shared memory.
#include "common.cuh"

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define THREADS 256

__device__ __forceinline__ float load_b(const float* b, size_t i) { return b[i]; }
__device__ __forceinline__ float load_b(const uint16_t* b, size_t i) { return bf16_to_float(b[i]); }

template <typename TB>
__device__ __forceinline__ void matmul_tiled(float* c, const float* a, const TB* b, int m, int n, int k,
                                             int transA, int transB, float alpha, int accumulate) {
    __shared__ float As[TILE_K][TILE_M + 4];
    __shared__ float Bs[TILE_K][TILE_N + 4];
    int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
    int m0 = blockIdx.y * TILE_M, n0 = blockIdx.x * TILE_N;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < k; k0 += TILE_K) {
        for (int e = threadIdx.x; e < TILE_M * TILE_K; e += THREADS) {
            int i, p;
            if (transA) { p = e / TILE_M; i = e % TILE_M; } else { i = e / TILE_K; p = e % TILE_K; }
            int gi = m0 + i, gp = k0 + p;
            float v = 0.0f;
            if (gi < m && gp < k) v = transA ? a[(size_t)gp * m + gi] : a[(size_t)gi * k + gp];
            As[p][i] = v;
        }
        for (int e = threadIdx.x; e < TILE_N * TILE_K; e += THREADS) {
            int j, p;
            if (transB) { j = e / TILE_K; p = e % TILE_K; } else { p = e / TILE_N; j = e % TILE_N; }
            int gj = n0 + j, gp = k0 + p;
            float v = 0.0f;
            if (gj < n && gp < k) v = transB ? load_b(b, (size_t)gj * k + gp) : load_b(b, (size_t)gp * n + gj);
            Bs[p][j] = v;
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < TILE_K; p++) {
            float av[4], bv[4];
#pragma unroll
            for (int r = 0; r < 4; r++) av[r] = As[p][ty + 16 * r];
#pragma unroll
            for (int s = 0; s < 4; s++) bv[s] = Bs[p][tx + 16 * s];
#pragma unroll
            for (int r = 0; r < 4; r++)
#pragma unroll
                for (int s = 0; s < 4; s++) acc[r][s] = fmaf(av[r], bv[s], acc[r][s]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
        int gi = m0 + ty + 16 * r;
        if (gi >= m) continue;
#pragma unroll
        for (int s = 0; s < 4; s++) {
            int gj = n0 + tx + 16 * s;
            if (gj >= n) continue;
            float* out = c + (size_t)gi * n + gj;
            float v = alpha * acc[r][s];
            *out = accumulate ? *out + v : v;
        }
    }
}

extern "C" __global__ void __launch_bounds__(THREADS) matmul_f32(float* c, const float* a, const float* b,
        int m, int n, int k, int transA, int transB, float alpha, int accumulate) {
    matmul_tiled<float>(c, a, b, m, n, k, transA, transB, alpha, accumulate);
}

extern "C" __global__ void __launch_bounds__(THREADS) matmul_bf16(float* c, const float* a, const uint16_t* b,
        int m, int n, int k, int transA, int transB, float alpha, int accumulate) {
    matmul_tiled<uint16_t>(c, a, b, m, n, k, transA, transB, alpha, accumulate);
}

// Skinny case of a linear layer, C[m,n] (+)= alpha * A[m,k] * B[n,k]^T with m <= SKINNY_ROWS
// (decoding: one or a few tokens). One warp per output column j: its lanes stride along k,
// reading row j of B coalesced, and keep one partial sum per row of A.
#define SKINNY_ROWS 8

template <typename TB>
__device__ __forceinline__ void matmul_skinny(float* c, const float* a, const TB* b, int m, int n, int k,
                                              float alpha, int accumulate) {
    long long j = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / MKA1_WARP;
    if (j >= n) return;
    int lane = threadIdx.x % MKA1_WARP;
    const TB* bRow = b + (size_t)j * k;
    float acc[SKINNY_ROWS] = {};
    for (int p = lane; p < k; p += MKA1_WARP) {
        float bv = load_b(bRow, p);
#pragma unroll
        for (int r = 0; r < SKINNY_ROWS; r++)
            if (r < m) acc[r] = fmaf(a[(size_t)r * k + p], bv, acc[r]);
    }
#pragma unroll
    for (int r = 0; r < SKINNY_ROWS; r++) {
        if (r >= m) break;
        float v = alpha * warp_sum(acc[r]);
        if (lane == 0) {
            float* out = c + (size_t)r * n + j;
            *out = accumulate ? *out + v : v;
        }
    }
}

extern "C" __global__ void matmul_skinny_f32(float* c, const float* a, const float* b, int m, int n, int k,
                                             float alpha, int accumulate) {
    matmul_skinny<float>(c, a, b, m, n, k, alpha, accumulate);
}

extern "C" __global__ void matmul_skinny_bf16(float* c, const float* a, const uint16_t* b, int m, int n, int k,
                                              float alpha, int accumulate) {
    matmul_skinny<uint16_t>(c, a, b, m, n, k, alpha, accumulate);
}

// c = alpha * sum_z partial[z] (+ c), the splits summed in order (matmul_tc.cu's split K).
extern "C" __global__ void matmul_sum_splits_f32(float* c, const float* partial, long long mn, int splits,
                                                 float alpha, int accumulate) {
    GRID_STRIDE_LOOP(i, mn) {
        float s = 0.0f;
        for (int z = 0; z < splits; z++) s += partial[(size_t)z * mn + i];
        c[i] = accumulate ? c[i] + alpha * s : alpha * s;
    }
}
