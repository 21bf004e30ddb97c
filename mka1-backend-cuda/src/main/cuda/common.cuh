// Shared helpers for the mka1 CUDA kernels. Kernels are extern "C" so that their PTX entry
// names are exactly the names the Java launch code (KernelCatalog) uses.
#pragma once
#include <stdint.h>

#define MKA1_WARP 32

// bfloat16 is the upper half of an IEEE float: widening is a shift.
__device__ __forceinline__ float bf16_to_float(uint16_t bits) {
    return __uint_as_float(((uint32_t)bits) << 16);
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = MKA1_WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ double warp_sum_double(double v) {
    for (int o = MKA1_WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = MKA1_WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over a whole block (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float partial[32];
    __shared__ float total;
    int lane = threadIdx.x % MKA1_WARP, warp = threadIdx.x / MKA1_WARP;
    v = warp_sum(v);
    __syncthreads();  // partial/total may still be read by a previous call
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        int warps = blockDim.x / MKA1_WARP;
        float w = lane < warps ? partial[lane] : 0.0f;
        w = warp_sum(w);
        if (lane == 0) total = w;
    }
    __syncthreads();
    return total;
}

__device__ __forceinline__ double block_sum_double(double v) {
    __shared__ double partial[32];
    __shared__ double total;
    int lane = threadIdx.x % MKA1_WARP, warp = threadIdx.x / MKA1_WARP;
    v = warp_sum_double(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        int warps = blockDim.x / MKA1_WARP;
        double w = lane < warps ? partial[lane] : 0.0;
        w = warp_sum_double(w);
        if (lane == 0) total = w;
    }
    __syncthreads();
    return total;
}

// Grid-stride loop over 64-bit element counts.
#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long)blockDim.x * gridDim.x)
