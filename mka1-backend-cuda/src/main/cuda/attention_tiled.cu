// Causal grouped-query attention over packed rows, tiled through shared memory (headDim a
// multiple of 4, at most 128; attention.cu covers the rest and decoding). A group of tpq
// threads (1, 2 or 4: 32 dims each) owns one query (or, in dk/dv, one key) and keeps its rows in
// registers; the block stages 32 keys (or queries) at a time in shared memory, where every
// group reads the same row (broadcast), so each staged element feeds the whole block instead
// of one warp re-reading it from L1 with a warp-wide reduction per key as in attention.cu.
// Dimension chunks are interleaved between a group's threads (chunk c = t * tpq + sub, 4 floats
// each) so that the threads of a group read neighbouring 16-byte words (no bank conflicts).
// As in attention.cu every output element has one writer (no atomics): dq per query, dk/dv per
// key looping over the queries and heads that read it.
#include "common.cuh"

#define TILE 32         // keys (queries) staged per shared-memory tile
#define TILE_THREADS 128
#define CHUNKS 8        // float4 chunks per thread: 32 dims
#define TILE_MAX_DIM 128

__device__ __forceinline__ float group_sum(float v, int tpq) {
    for (int o = 1; o < tpq; o <<= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float dot4(float4 a, float4 b) {
    return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}

__device__ __forceinline__ void fma4(float4& acc, float w, float4 x) {
    acc.x += w * x.x; acc.y += w * x.y; acc.z += w * x.z; acc.w += w * x.w;
}

// This thread's chunks of a row of headDim floats (zeros where the row is absent).
__device__ __forceinline__ void load_row(float4 (&r)[CHUNKS], const float* src, int headDim, int tpq, int sub, bool present) {
#pragma unroll
    for (int t = 0; t < CHUNKS; t++) {
        int c = t * tpq + sub;
        r[t] = present && 4 * c < headDim ? *reinterpret_cast<const float4*>(src + 4 * c) : make_float4(0.f, 0.f, 0.f, 0.f);
    }
}

// dst[d] = (add ? dst[d] : 0) + r[d] * factor over this thread's chunks.
__device__ __forceinline__ void store_row(float* dst, const float4 (&r)[CHUNKS], float factor, int headDim, int tpq,
                                          int sub, int add) {
#pragma unroll
    for (int t = 0; t < CHUNKS; t++) {
        int c = t * tpq + sub;
        if (4 * c < headDim) {
            float4* p = reinterpret_cast<float4*>(dst + 4 * c);
            float4 v = add ? *p : make_float4(0.f, 0.f, 0.f, 0.f);
            fma4(v, factor, r[t]);
            *p = v;
        }
    }
}

// Full group dot product of this thread's chunks with a staged row (every thread gets it).
__device__ __forceinline__ float row_dot(const float4 (&r)[CHUNKS], const float* row, int headDim, int tpq, int sub) {
    float s = 0.0f;
#pragma unroll
    for (int t = 0; t < CHUNKS; t++) {
        int c = t * tpq + sub;
        if (4 * c < headDim) s += dot4(r[t], *reinterpret_cast<const float4*>(row + 4 * c));
    }
    return group_sum(s, tpq);
}

__device__ __forceinline__ void row_axpy(float4 (&acc)[CHUNKS], float w, const float* row, int headDim, int tpq, int sub) {
#pragma unroll
    for (int t = 0; t < CHUNKS; t++) {
        int c = t * tpq + sub;
        if (4 * c < headDim) fma4(acc[t], w, *reinterpret_cast<const float4*>(row + 4 * c));
    }
}

// Stages rows [from, from + TILE) of a [rows][stride] matrix's headDim-wide column block into
// tile[TILE][headDim]; rows at or past `limit` become zeros.
__device__ __forceinline__ void stage(float* tile, const float* base, size_t stride, int from, int limit, int headDim) {
    int perRow = headDim / 4;
    for (int e = threadIdx.x; e < TILE * perRow; e += TILE_THREADS) {
        int r = e / perRow, c = e % perRow;
        float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
        if (from + r < limit) v = *reinterpret_cast<const float4*>(base + (size_t)(from + r) * stride + 4 * c);
        reinterpret_cast<float4*>(tile)[r * perRow + c] = v;
    }
}

// Block-wide minimum of one value per thread (INT_MAX where a thread has none).
__device__ __forceinline__ int block_min(int v) {
    __shared__ int lowest;
    if (threadIdx.x == 0) lowest = 0x7fffffff;
    __syncthreads();
    atomicMin(&lowest, v);
    __syncthreads();
    return lowest;
}

// Grid: (ceil(qLen / (128 / tpq)), batch * heads), 128 threads.
extern "C" __global__ void __launch_bounds__(TILE_THREADS) attention_forward_tiled_f32(float* out, float* lse,
        const float* q, const float* k, const float* v, const int* segStart, int batch, int qLen, int kvLen,
        int heads, int kvHeads, int headDim, float scale, int tpq) {
    __shared__ __align__(16) float Ks[TILE * TILE_MAX_DIM];
    __shared__ __align__(16) float Vs[TILE * TILE_MAX_DIM];
    int groups = TILE_THREADS / tpq, sub = threadIdx.x % tpq;
    int b = blockIdx.y / heads, h = blockIdx.y % heads, kvh = h / (heads / kvHeads);
    int i = blockIdx.x * groups + threadIdx.x / tpq;
    bool present = i < qLen;
    long long row = (long long)b * qLen + (present ? i : qLen - 1);
    int last = kvLen - qLen + (present ? i : 0);   // the last key this query sees
    int first = segStart[row];
    size_t qStride = (size_t)heads * headDim, kvStride = (size_t)kvHeads * headDim;
    float4 qv[CHUNKS], acc[CHUNKS];
    load_row(qv, q + row * qStride + (size_t)h * headDim, headDim, tpq, sub, present);
#pragma unroll
    for (int t = 0; t < CHUNKS; t++) acc[t] = make_float4(0.f, 0.f, 0.f, 0.f);
    int from = block_min(present ? first : 0x7fffffff);
    int lastInBlock = kvLen - qLen + min(qLen - 1, (int)(blockIdx.x + 1) * groups - 1);
    const float* kBase = k + (size_t)b * kvLen * kvStride + (size_t)kvh * headDim;
    const float* vBase = v + (size_t)b * kvLen * kvStride + (size_t)kvh * headDim;
    float runMax = -INFINITY, runSum = 0.0f;
    for (int j0 = from; j0 <= lastInBlock; j0 += TILE) {
        __syncthreads();  // the previous tile is no longer read
        stage(Ks, kBase, kvStride, j0, kvLen, headDim);
        stage(Vs, vBase, kvStride, j0, kvLen, headDim);
        __syncthreads();
        float s[TILE];
        float tileMax = -INFINITY;
#pragma unroll
        for (int jj = 0; jj < TILE; jj++) {
            float d = row_dot(qv, Ks + jj * headDim, headDim, tpq, sub);
            int j = j0 + jj;
            s[jj] = present && j >= first && j <= last ? d * scale : -INFINITY;
            tileMax = fmaxf(tileMax, s[jj]);
        }
        float newMax = fmaxf(runMax, tileMax);
        float correction = runMax == -INFINITY ? 0.0f : expf(runMax - newMax);
        runSum *= correction;
#pragma unroll
        for (int t = 0; t < CHUNKS; t++) {
            acc[t].x *= correction; acc[t].y *= correction; acc[t].z *= correction; acc[t].w *= correction;
        }
#pragma unroll
        for (int jj = 0; jj < TILE; jj++) {
            if (s[jj] == -INFINITY) continue;
            float w = expf(s[jj] - newMax);
            runSum += w;
            row_axpy(acc, w, Vs + jj * headDim, headDim, tpq, sub);
        }
        runMax = newMax;
    }
    if (!present) return;
    float inv = runSum > 0.0f ? 1.0f / runSum : 0.0f;
    store_row(out + row * qStride + (size_t)h * headDim, acc, inv, headDim, tpq, sub, 0);
    if (lse != nullptr && sub == 0) lse[row * heads + h] = runMax + logf(runSum);
}

// dq += sum_j P_ij (dP_ij - delta_i) * scale * k_j. Grid and block as the forward pass.
extern "C" __global__ void __launch_bounds__(TILE_THREADS) attention_backward_dq_tiled_f32(float* dq,
        const float* dout, const float* lse, const float* delta, const float* q, const float* k, const float* v,
        const int* segStart, int batch, int seqLen, int heads, int kvHeads, int headDim, float scale, int tpq) {
    __shared__ __align__(16) float Ks[TILE * TILE_MAX_DIM];
    __shared__ __align__(16) float Vs[TILE * TILE_MAX_DIM];
    int groups = TILE_THREADS / tpq, sub = threadIdx.x % tpq;
    int b = blockIdx.y / heads, h = blockIdx.y % heads, kvh = h / (heads / kvHeads);
    int i = blockIdx.x * groups + threadIdx.x / tpq;
    bool present = i < seqLen;
    long long row = (long long)b * seqLen + (present ? i : seqLen - 1);
    int first = segStart[row];
    size_t qStride = (size_t)heads * headDim, kvStride = (size_t)kvHeads * headDim;
    size_t qOffset = row * qStride + (size_t)h * headDim;
    float4 qv[CHUNKS], dov[CHUNKS], acc[CHUNKS];
    load_row(qv, q + qOffset, headDim, tpq, sub, present);
    load_row(dov, dout + qOffset, headDim, tpq, sub, present);
#pragma unroll
    for (int t = 0; t < CHUNKS; t++) acc[t] = make_float4(0.f, 0.f, 0.f, 0.f);
    float rowLse = lse[row * heads + h], rowDelta = delta[row * heads + h];
    int from = block_min(present ? first : 0x7fffffff);
    int lastInBlock = min(seqLen - 1, (int)(blockIdx.x + 1) * groups - 1);
    const float* kBase = k + (size_t)b * seqLen * kvStride + (size_t)kvh * headDim;
    const float* vBase = v + (size_t)b * seqLen * kvStride + (size_t)kvh * headDim;
    for (int j0 = from; j0 <= lastInBlock; j0 += TILE) {
        __syncthreads();
        stage(Ks, kBase, kvStride, j0, seqLen, headDim);
        stage(Vs, vBase, kvStride, j0, seqLen, headDim);
        __syncthreads();
#pragma unroll 4
        for (int jj = 0; jj < TILE; jj++) {
            const float* kRow = Ks + jj * headDim;
            float s = row_dot(qv, kRow, headDim, tpq, sub);
            float dp = row_dot(dov, Vs + jj * headDim, headDim, tpq, sub);
            int j = j0 + jj;
            if (present && j >= first && j <= i) {
                float prob = expf(s * scale - rowLse);
                row_axpy(acc, prob * (dp - rowDelta) * scale, kRow, headDim, tpq, sub);
            }
        }
    }
    if (present) store_row(dq + qOffset, acc, 1.0f, headDim, tpq, sub, 1);
}

// dk += sum_{i,h in group} P_ij (dP_ij - delta_i) * scale * q_i, dv += sum P_ij dout_i, one
// thread group per key. Grid: (ceil(seqLen / (128 / tpq)), batch * kvHeads), 128 threads.
extern "C" __global__ void __launch_bounds__(TILE_THREADS) attention_backward_dkdv_tiled_f32(float* dk, float* dv,
        const float* dout, const float* lse, const float* delta, const float* q, const float* k, const float* v,
        const int* segStart, int batch, int seqLen, int heads, int kvHeads, int headDim, float scale, int tpq) {
    __shared__ __align__(16) float Qs[TILE * TILE_MAX_DIM];
    __shared__ __align__(16) float Ds[TILE * TILE_MAX_DIM];
    __shared__ float lseS[TILE], deltaS[TILE];
    __shared__ int segS[TILE];
    int groups = TILE_THREADS / tpq, sub = threadIdx.x % tpq;
    int b = blockIdx.y / kvHeads, kvh = blockIdx.y % kvHeads, group = heads / kvHeads;
    int j = blockIdx.x * groups + threadIdx.x / tpq;
    bool present = j < seqLen;
    long long keyRow = (long long)b * seqLen + (present ? j : seqLen - 1);
    size_t qStride = (size_t)heads * headDim, kvStride = (size_t)kvHeads * headDim;
    size_t kvOffset = keyRow * kvStride + (size_t)kvh * headDim;
    float4 kv[CHUNKS], vv[CHUNKS], dkAcc[CHUNKS], dvAcc[CHUNKS];
    load_row(kv, k + kvOffset, headDim, tpq, sub, present);
    load_row(vv, v + kvOffset, headDim, tpq, sub, present);
#pragma unroll
    for (int t = 0; t < CHUNKS; t++) dkAcc[t] = dvAcc[t] = make_float4(0.f, 0.f, 0.f, 0.f);
    int firstInBlock = blockIdx.x * groups;  // queries before the block's first key see none of its keys
    long long rowBase = (long long)b * seqLen;
    for (int g = 0; g < group; g++) {
        int h = kvh * group + g;
        const float* qBase = q + rowBase * qStride + (size_t)h * headDim;
        const float* dBase = dout + rowBase * qStride + (size_t)h * headDim;
        for (int i0 = firstInBlock; i0 < seqLen; i0 += TILE) {
            __syncthreads();
            stage(Qs, qBase, qStride, i0, seqLen, headDim);
            stage(Ds, dBase, qStride, i0, seqLen, headDim);
            if (threadIdx.x < TILE) {
                int i = i0 + threadIdx.x;
                bool in = i < seqLen;
                lseS[threadIdx.x] = in ? lse[(rowBase + i) * heads + h] : 0.0f;
                deltaS[threadIdx.x] = in ? delta[(rowBase + i) * heads + h] : 0.0f;
                segS[threadIdx.x] = in ? segStart[rowBase + i] : 0x7fffffff;
            }
            __syncthreads();
#pragma unroll 4
            for (int ii = 0; ii < TILE; ii++) {
                const float* qRow = Qs + ii * headDim;
                const float* dRow = Ds + ii * headDim;
                float s = row_dot(kv, qRow, headDim, tpq, sub);
                float dp = row_dot(vv, dRow, headDim, tpq, sub);
                int i = i0 + ii;
                if (present && i >= j && i < seqLen && segS[ii] <= j) {
                    float prob = expf(s * scale - lseS[ii]);
                    row_axpy(dkAcc, prob * (dp - deltaS[ii]) * scale, qRow, headDim, tpq, sub);
                    row_axpy(dvAcc, prob, dRow, headDim, tpq, sub);
                }
            }
        }
    }
    if (!present) return;
    store_row(dk + kvOffset, dkAcc, 1.0f, headDim, tpq, sub, 1);
    store_row(dv + kvOffset, dvAcc, 1.0f, headDim, tpq, sub, 1);
}
