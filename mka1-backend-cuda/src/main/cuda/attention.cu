// Causal grouped-query attention over packed rows (see Kernels#attentionForward), flash style:
// one warp per (query, head) streams over its keys with an online softmax, so no score matrix
// is ever stored. Each lane holds headDim/32 (at most 8) elements of q, the output and the
// gradients. The backward pass is split so that every output element has one writer
// (deterministic, no atomics): delta = rowsum(dout*out), then dq per (query, head), then
// dk/dv per (key, kv head) looping over the queries and heads that read that key.
#include "common.cuh"

#define MAX_PER_LANE 8  // headDim <= 256

struct AttnShape {
    int qLen, kvLen, heads, kvHeads, headDim;
};

__device__ __forceinline__ void load_lane(float* dst, const float* src, int headDim) {
    int lane = threadIdx.x % MKA1_WARP;
#pragma unroll
    for (int e = 0; e < MAX_PER_LANE; e++) {
        int d = lane + e * MKA1_WARP;
        dst[e] = d < headDim ? src[d] : 0.0f;
    }
}

__device__ __forceinline__ float lane_dot(const float* a, const float* src, int headDim) {
    int lane = threadIdx.x % MKA1_WARP;
    float s = 0.0f;
#pragma unroll
    for (int e = 0; e < MAX_PER_LANE; e++) {
        int d = lane + e * MKA1_WARP;
        if (d < headDim) s += a[e] * src[d];
    }
    return warp_sum(s);
}

__device__ __forceinline__ void lane_axpy(float* acc, float alpha, const float* src, int headDim) {
    int lane = threadIdx.x % MKA1_WARP;
#pragma unroll
    for (int e = 0; e < MAX_PER_LANE; e++) {
        int d = lane + e * MKA1_WARP;
        if (d < headDim) acc[e] += alpha * src[d];
    }
}

__device__ __forceinline__ void lane_store_add(float* dst, const float* v, float factor, int headDim, int add) {
    int lane = threadIdx.x % MKA1_WARP;
#pragma unroll
    for (int e = 0; e < MAX_PER_LANE; e++) {
        int d = lane + e * MKA1_WARP;
        if (d < headDim) dst[d] = (add ? dst[d] : 0.0f) + v[e] * factor;
    }
}

extern "C" __global__ void attention_forward_f32(float* out, float* lse, const float* q, const float* k, const float* v,
        const int* segStart, int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale) {
    long long warpId = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / MKA1_WARP;
    long long total = (long long)batch * qLen * heads;
    if (warpId >= total) return;
    // Consecutive warps take consecutive queries of one head, so a block's warps read the same
    // keys and values at about the same time (L1 reuse).
    long long rows = (long long)batch * qLen;
    int h = (int)(warpId / rows);
    long long row = warpId % rows;  // b * qLen + i
    int b = (int)(row / qLen), i = (int)(row % qLen);
    int kvh = h / (heads / kvHeads);
    int p = kvLen - qLen + i;
    int first = segStart[row];
    size_t qStride = (size_t)heads * headDim, kvStride = (size_t)kvHeads * headDim;
    float qv[MAX_PER_LANE], acc[MAX_PER_LANE] = {};
    load_lane(qv, q + row * qStride + (size_t)h * headDim, headDim);
    const float* kBase = k + (size_t)b * kvLen * kvStride + (size_t)kvh * headDim;
    const float* vBase = v + (size_t)b * kvLen * kvStride + (size_t)kvh * headDim;
    float runMax = -INFINITY, runSum = 0.0f;
    for (int j = first; j <= p; j++) {
        float s = scale * lane_dot(qv, kBase + (size_t)j * kvStride, headDim);
        float newMax = fmaxf(runMax, s);
        float correction = expf(runMax - newMax);  // 0 on the first key (runMax = -inf)
        float w = expf(s - newMax);
        runSum = runSum * correction + w;
#pragma unroll
        for (int e = 0; e < MAX_PER_LANE; e++) acc[e] *= correction;
        lane_axpy(acc, w, vBase + (size_t)j * kvStride, headDim);
        runMax = newMax;
    }
    float inv = runSum > 0.0f ? 1.0f / runSum : 0.0f;
    lane_store_add(out + row * qStride + (size_t)h * headDim, acc, inv, headDim, 0);
    if (lse != nullptr && threadIdx.x % MKA1_WARP == 0) lse[row * heads + h] = runMax + logf(runSum);
}

// delta[row, h] = sum_d dout[row, h, d] * out[row, h, d]
extern "C" __global__ void attention_backward_delta_f32(float* delta, const float* dout, const float* out,
        int rows, int heads, int headDim) {
    long long warpId = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / MKA1_WARP;
    if (warpId >= (long long)rows * heads) return;
    float o[MAX_PER_LANE];
    size_t offset = (size_t)warpId * headDim;  // [row, h] is contiguous: (row*heads + h) * headDim
    load_lane(o, out + offset, headDim);
    float d = lane_dot(o, dout + offset, headDim);
    if (threadIdx.x % MKA1_WARP == 0) delta[warpId] = d;
}

extern "C" __global__ void attention_backward_dq_f32(float* dq, const float* dout, const float* lse, const float* delta,
        const float* q, const float* k, const float* v, const int* segStart,
        int batch, int seqLen, int heads, int kvHeads, int headDim, float scale) {
    long long warpId = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / MKA1_WARP;
    if (warpId >= (long long)batch * seqLen * heads) return;
    long long rows = (long long)batch * seqLen;
    int h = (int)(warpId / rows);  // queries fastest, as in the forward pass
    long long row = warpId % rows;
    int b = (int)(row / seqLen), i = (int)(row % seqLen);
    long long rowHead = row * heads + h;
    int kvh = h / (heads / kvHeads);
    size_t qStride = (size_t)heads * headDim, kvStride = (size_t)kvHeads * headDim;
    size_t qOffset = row * qStride + (size_t)h * headDim;
    float qv[MAX_PER_LANE], dov[MAX_PER_LANE], acc[MAX_PER_LANE] = {};
    load_lane(qv, q + qOffset, headDim);
    load_lane(dov, dout + qOffset, headDim);
    float rowLse = lse[rowHead], rowDelta = delta[rowHead];
    const float* kBase = k + (size_t)b * seqLen * kvStride + (size_t)kvh * headDim;
    const float* vBase = v + (size_t)b * seqLen * kvStride + (size_t)kvh * headDim;
    for (int j = segStart[row]; j <= i; j++) {
        float s = scale * lane_dot(qv, kBase + (size_t)j * kvStride, headDim);
        float prob = expf(s - rowLse);
        float dp = lane_dot(dov, vBase + (size_t)j * kvStride, headDim);
        lane_axpy(acc, prob * (dp - rowDelta) * scale, kBase + (size_t)j * kvStride, headDim);
    }
    lane_store_add(dq + qOffset, acc, 1.0f, headDim, 1);
}

extern "C" __global__ void attention_backward_dkdv_f32(float* dk, float* dv, const float* dout, const float* lse,
        const float* delta, const float* q, const float* k, const float* v, const int* segStart,
        int batch, int seqLen, int heads, int kvHeads, int headDim, float scale) {
    long long warpId = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / MKA1_WARP;
    if (warpId >= (long long)batch * seqLen * kvHeads) return;
    long long rows = (long long)batch * seqLen;
    int kvh = (int)(warpId / rows);  // keys fastest: a block's warps read the same queries
    long long keyRow = warpId % rows;  // b * seqLen + j
    int b = (int)(keyRow / seqLen), j = (int)(keyRow % seqLen);
    int group = heads / kvHeads;
    size_t qStride = (size_t)heads * headDim, kvStride = (size_t)kvHeads * headDim;
    size_t kvOffset = keyRow * kvStride + (size_t)kvh * headDim;
    float kv[MAX_PER_LANE], vv[MAX_PER_LANE], dkAcc[MAX_PER_LANE] = {}, dvAcc[MAX_PER_LANE] = {};
    load_lane(kv, k + kvOffset, headDim);
    load_lane(vv, v + kvOffset, headDim);
    for (int i = j; i < seqLen; i++) {
        long long row = (long long)b * seqLen + i;
        if (segStart[row] > j) continue;  // query i belongs to a later packed example
        for (int g = 0; g < group; g++) {
            int h = kvh * group + g;
            size_t qOffset = row * qStride + (size_t)h * headDim;
            float s = scale * lane_dot(kv, q + qOffset, headDim);
            float prob = expf(s - lse[row * heads + h]);
            float dp = lane_dot(vv, dout + qOffset, headDim);
            float ds = prob * (dp - delta[row * heads + h]);
            lane_axpy(dkAcc, ds * scale, q + qOffset, headDim);
            lane_axpy(dvAcc, prob, dout + qOffset, headDim);
        }
    }
    lane_store_add(dk + kvOffset, dkAcc, 1.0f, headDim, 1);
    lane_store_add(dv + kvOffset, dvAcc, 1.0f, headDim, 1);
}

// Split-KV forward for few (query, head) pairs over many keys (decoding with a KV cache): the
// keys of each query are cut into `chunks` slices, one warp per (slice, query, head) writes the
// slice's running max, sum of exponentials and unnormalised output, and a second kernel folds
// the slices. partial holds [chunks][rows*heads][headDim + 2] floats (output, max, sum).
extern "C" __global__ void attention_forward_split_f32(float* partial, const float* q, const float* k, const float* v,
        const int* segStart, int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale,
        int chunks) {
    long long warpId = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / MKA1_WARP;
    long long pairs = (long long)batch * qLen * heads;
    if (warpId >= pairs * chunks) return;
    int chunk = (int)(warpId / pairs);
    long long pair = warpId % pairs;  // row * heads + h
    int h = (int)(pair % heads);
    long long row = pair / heads;
    int b = (int)(row / qLen), i = (int)(row % qLen);
    int kvh = h / (heads / kvHeads);
    int p = kvLen - qLen + i;
    int first = segStart[row];
    int span = (kvLen + chunks - 1) / chunks;
    int from = max(first, chunk * span), to = min(p, chunk * span + span - 1);
    size_t qStride = (size_t)heads * headDim, kvStride = (size_t)kvHeads * headDim;
    float qv[MAX_PER_LANE], acc[MAX_PER_LANE] = {};
    load_lane(qv, q + row * qStride + (size_t)h * headDim, headDim);
    const float* kBase = k + (size_t)b * kvLen * kvStride + (size_t)kvh * headDim;
    const float* vBase = v + (size_t)b * kvLen * kvStride + (size_t)kvh * headDim;
    float runMax = -INFINITY, runSum = 0.0f;
    for (int j = from; j <= to; j++) {
        float s = scale * lane_dot(qv, kBase + (size_t)j * kvStride, headDim);
        float newMax = fmaxf(runMax, s);
        float correction = expf(runMax - newMax);
        float w = expf(s - newMax);
        runSum = runSum * correction + w;
#pragma unroll
        for (int e = 0; e < MAX_PER_LANE; e++) acc[e] *= correction;
        lane_axpy(acc, w, vBase + (size_t)j * kvStride, headDim);
        runMax = newMax;
    }
    float* slot = partial + ((size_t)chunk * pairs + pair) * (headDim + 2);
    lane_store_add(slot, acc, 1.0f, headDim, 0);
    if (threadIdx.x % MKA1_WARP == 0) {
        slot[headDim] = runMax;      // -inf when the slice holds none of this query's keys
        slot[headDim + 1] = runSum;  // 0 then
    }
}

extern "C" __global__ void attention_combine_f32(float* out, float* lse, const float* partial,
        int rows, int heads, int headDim, int chunks) {
    long long pair = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / MKA1_WARP;
    long long pairs = (long long)rows * heads;
    if (pair >= pairs) return;
    int lane = threadIdx.x % MKA1_WARP;
    size_t slotSize = (size_t)headDim + 2;
    float overallMax = -INFINITY;
    for (int c = 0; c < chunks; c++) overallMax = fmaxf(overallMax, partial[((size_t)c * pairs + pair) * slotSize + headDim]);
    float total = 0.0f, acc[MAX_PER_LANE] = {};
    for (int c = 0; c < chunks; c++) {
        const float* slot = partial + ((size_t)c * pairs + pair) * slotSize;
        float sliceSum = slot[headDim + 1];
        if (sliceSum == 0.0f) continue;  // no keys in this slice
        float weight = expf(slot[headDim] - overallMax);
        total += sliceSum * weight;
        lane_axpy(acc, weight, slot, headDim);
    }
    float inv = total > 0.0f ? 1.0f / total : 0.0f;
    lane_store_add(out + (size_t)pair * headDim, acc, inv, headDim, 0);
    if (lse != nullptr && lane == 0) lse[pair] = overallMax + logf(total);
}
