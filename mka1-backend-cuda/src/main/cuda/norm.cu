// RMSNorm forward/backward (and fused with the residual add before it), rotary position embedding
// (and on q and k in one launch).
#include "common.cuh"

// One block per row.
extern "C" __global__ void rmsnorm_forward_f32(float* out, float* rstd, const float* x, const float* weight,
                                               int n, int dim, float eps) {
    int row = blockIdx.x;
    if (row >= n) return;
    const float* xr = x + (size_t)row * dim;
    float ss = 0.0f;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) ss += xr[j] * xr[j];
    ss = block_sum(ss);
    float r = rsqrtf(ss / dim + eps);
    if (rstd != nullptr && threadIdx.x == 0) rstd[row] = r;
    float* outr = out + (size_t)row * dim;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) outr[j] = xr[j] * r * weight[j];
}

// dx[j] += r*w[j]*dy[j] - x[j] * r^3/dim * sum_k dy[k]*w[k]*x[k]; one block per row.
extern "C" __global__ void rmsnorm_backward_dx_f32(float* dx, const float* dout, const float* x, const float* weight,
                                                   const float* rstd, int n, int dim) {
    int row = blockIdx.x;
    if (row >= n) return;
    const float* xr = x + (size_t)row * dim;
    const float* dyr = dout + (size_t)row * dim;
    float dot = 0.0f;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) dot += dyr[j] * weight[j] * xr[j];
    dot = block_sum(dot);
    float r = rstd[row];
    float coeff = r * r * r * dot / dim;
    float* dxr = dx + (size_t)row * dim;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) dxr[j] += r * weight[j] * dyr[j] - xr[j] * coeff;
}

// dweight[j] += sum_i dy[i,j] * x[i,j] * rstd[i]. A 256-thread block takes 32 columns: its 8 warps
// stride the rows (each warp reads 32 neighbouring columns of a row, coalesced), then the 8
// partial sums are added in a fixed order (deterministic).
#define DW_COLS 32
#define DW_ROW_GROUPS 8
extern "C" __global__ void __launch_bounds__(DW_COLS * DW_ROW_GROUPS) rmsnorm_backward_dweight_f32(float* dweight,
        const float* dout, const float* x, const float* rstd, int n, int dim) {
    __shared__ float partial[DW_ROW_GROUPS][DW_COLS + 1];
    int tx = threadIdx.x % DW_COLS, ty = threadIdx.x / DW_COLS;
    int j = blockIdx.x * DW_COLS + tx;
    float acc = 0.0f;
    if (j < dim)
        for (int i = ty; i < n; i += DW_ROW_GROUPS) acc += dout[(size_t)i * dim + j] * x[(size_t)i * dim + j] * rstd[i];
    partial[ty][tx] = acc;
    __syncthreads();
    if (ty == 0 && j < dim) {
        float sum = 0.0f;
        for (int r = 0; r < DW_ROW_GROUPS; r++) sum += partial[r][tx];
        dweight[j] += sum;
    }
}

// Hugging Face "rotate half" on x[n, heads, headDim]; inverse != 0 rotates by -angle (backward).
// Rotates the first rotaryDim dimensions of each head (the rest pass through), scaled by factor.
extern "C" __global__ void rope_f32(float* x, const int* positions, const float* invFreq,
                                    int n, int heads, int headDim, int rotaryDim, float factor, int inverse) {
    int half = rotaryDim / 2;
    GRID_STRIDE_LOOP(idx, (long long)n * heads * half) {
        int i = (int)(idx % half);
        long long th = idx / half;               // t * heads + h
        long long t = th / heads;
        float angle = (float)positions[t] * invFreq[i];
        float c = factor * cosf(angle), s = factor * sinf(angle);
        if (inverse) s = -s;
        float* base = x + th * headDim;
        float x1 = base[i], x2 = base[i + half];
        base[i] = x1 * c - x2 * s;
        base[i + half] = x2 * c + x1 * s;
    }
}

// sum = x + branch, out = RMSNorm(sum) * weight: the residual add and the next pre-norm in one
// pass over the row (the separate kernels read sum back). Same per-thread order as
// rmsnorm_forward_f32, so the results are bit-identical to add_f32 then rmsnorm_forward_f32.
extern "C" __global__ void add_rmsnorm_forward_f32(float* sum, float* out, float* rstd, const float* x,
                                                   const float* branch, const float* weight, int n, int dim, float eps) {
    int row = blockIdx.x;
    if (row >= n) return;
    size_t base = (size_t)row * dim;
    float ss = 0.0f;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) {
        float v = x[base + j] + branch[base + j];
        sum[base + j] = v;
        ss += v * v;
    }
    ss = block_sum(ss);
    float r = rsqrtf(ss / dim + eps);
    if (rstd != nullptr && threadIdx.x == 0) rstd[row] = r;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) out[base + j] = sum[base + j] * r * weight[j];
}

// rope_f32 on q[n, heads, headDim] and k[n, kvHeads, headDim] in one launch: index space
// n * (heads + kvHeads) * half, queries first.
extern "C" __global__ void rope_qk_f32(float* q, float* k, const int* positions, const float* invFreq, int n, int heads,
                                       int kvHeads, int headDim, int rotaryDim, float factor, int inverse) {
    int half = rotaryDim / 2;
    long long qPairs = (long long)n * heads * half;
    GRID_STRIDE_LOOP(idx, (long long)n * (heads + kvHeads) * half) {
        bool isQ = idx < qPairs;
        long long local = isQ ? idx : idx - qPairs;
        int width = isQ ? heads : kvHeads;
        int i = (int)(local % half);
        long long th = local / half;
        long long t = th / width;
        float angle = (float)positions[t] * invFreq[i];
        float c = factor * cosf(angle), s = factor * sinf(angle);
        if (inverse) s = -s;
        float* base = (isQ ? q : k) + th * headDim;
        float x1 = base[i], x2 = base[i + half];
        base[i] = x1 * c - x2 * s;
        base[i + half] = x2 * c + x1 * s;
    }
}
