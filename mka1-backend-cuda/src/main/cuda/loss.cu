// Fused softmax cross-entropy: loss, accuracy and (in place) the logits gradient; one block per row.
#include "common.cuh"

#define CE_THREADS 512

extern "C" __global__ void softmax_cross_entropy_f32(float* logits, float* losses, float* correct, const int* targets,
                                                     int n, int vocab, float gradScale, int computeGradient) {
    __shared__ float maxValue[CE_THREADS];
    __shared__ int maxIndex[CE_THREADS];
    int row = blockIdx.x;
    if (row >= n) return;
    float* lr = logits + (size_t)row * vocab;
    int target = targets[row];
    if (target < 0) {  // masked row: no loss, no accuracy, zero gradient
        if (threadIdx.x == 0) {
            losses[row] = 0.0f;
            if (correct != nullptr) correct[row] = 0.0f;
        }
        if (computeGradient) for (int j = threadIdx.x; j < vocab; j += blockDim.x) lr[j] = 0.0f;
        return;
    }
    // Row maximum with the first index that attains it.
    float best = -INFINITY;
    int bestIndex = 0x7fffffff;
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) {
        float v = lr[j];
        if (v > best) { best = v; bestIndex = j; }  // j increases per thread: first index kept
    }
    maxValue[threadIdx.x] = best;
    maxIndex[threadIdx.x] = bestIndex;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            float ov = maxValue[threadIdx.x + stride];
            int oi = maxIndex[threadIdx.x + stride];
            float mv = maxValue[threadIdx.x];
            int mi = maxIndex[threadIdx.x];
            if (ov > mv || (ov == mv && oi < mi)) { maxValue[threadIdx.x] = ov; maxIndex[threadIdx.x] = oi; }
        }
        __syncthreads();
    }
    float rowMax = maxValue[0];
    int argmax = maxIndex[0];
    float sumExp = 0.0f;
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) sumExp += expf(lr[j] - rowMax);
    sumExp = block_sum(sumExp);
    float targetLogit = lr[target];
    __syncthreads();  // everyone has read lr[target] before the gradient overwrites it
    if (threadIdx.x == 0) {
        losses[row] = logf(sumExp) + rowMax - targetLogit;
        if (correct != nullptr) correct[row] = argmax == target ? 1.0f : 0.0f;
    }
    if (computeGradient) {
        float inv = 1.0f / sumExp;
        for (int j = threadIdx.x; j < vocab; j += blockDim.x) {
            float p = expf(lr[j] - rowMax) * inv;
            lr[j] = gradScale * (p - (j == target ? 1.0f : 0.0f));
        }
    }
}
