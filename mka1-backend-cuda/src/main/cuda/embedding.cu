// Token embedding lookup and its scatter-add backward.
#include "common.cuh"

extern "C" __global__ void embedding_forward_f32(float* out, const float* table, const int* tokens, int n, int dim) {
    GRID_STRIDE_LOOP(i, (long long)n * dim) {
        long long row = i / dim, col = i % dim;
        out[i] = table[(size_t)tokens[row] * dim + col];
    }
}

extern "C" __global__ void embedding_forward_bf16(float* out, const uint16_t* table, const int* tokens, int n, int dim) {
    GRID_STRIDE_LOOP(i, (long long)n * dim) {
        long long row = i / dim, col = i % dim;
        out[i] = bf16_to_float(table[(size_t)tokens[row] * dim + col]);
    }
}

// Repeated tokens add into the same table row, hence atomics.
extern "C" __global__ void embedding_backward_f32(float* dtable, const float* dout, const int* tokens, int n, int dim) {
    GRID_STRIDE_LOOP(i, (long long)n * dim) {
        long long row = i / dim, col = i % dim;
        atomicAdd(&dtable[(size_t)tokens[row] * dim + col], dout[i]);
    }
}
