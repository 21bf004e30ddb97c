// Elementwise kernels: add, mul, axpy, scale, fill, bias, SwiGLU, AdamW, F32 <-> BF16 conversion.
#include "common.cuh"
#include <cuda_bf16.h>

extern "C" __global__ void add_f32(float* out, const float* a, const float* b, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = a[i] + b[i];
}

extern "C" __global__ void mul_f32(float* out, const float* a, const float* b, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = a[i] * b[i];
}

extern "C" __global__ void axpy_f32(float* y, float alpha, const float* x, long long n) {
    GRID_STRIDE_LOOP(i, n) y[i] += alpha * x[i];
}

extern "C" __global__ void scale_f32(float* x, float alpha, long long n) {
    GRID_STRIDE_LOOP(i, n) x[i] *= alpha;
}

extern "C" __global__ void fill_f32(float* x, float value, long long n) {
    GRID_STRIDE_LOOP(i, n) x[i] = value;
}

extern "C" __global__ void add_bias_f32(float* out, const float* bias, int rows, int cols) {
    GRID_STRIDE_LOOP(i, (long long)rows * cols) out[i] += bias[i % cols];
}

// One thread per column, walking the rows: coalesced across a warp and deterministic.
extern "C" __global__ void add_bias_backward_f32(float* dbias, const float* dout, int rows, int cols) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= cols) return;
    float acc = 0.0f;
    for (int r = 0; r < rows; r++) acc += dout[(size_t)r * cols + c];
    dbias[c] += acc;
}

__device__ __forceinline__ float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

extern "C" __global__ void swiglu_forward_f32(float* out, const float* gate, const float* up, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float g = gate[i];
        out[i] = g * sigmoidf(g) * up[i];
    }
}

extern "C" __global__ void swiglu_backward_f32(float* dgate, float* dup, const float* dout,
                                               const float* gate, const float* up, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float g = gate[i], s = sigmoidf(g), d = dout[i];
        dup[i] += d * g * s;
        dgate[i] += d * up[i] * s * (1.0f + g * (1.0f - s));
    }
}

// GeGLU with PyTorch's tanh-approximated GELU (Gemma): out = gelu_tanh(gate) * up.
#define GELU_C 0.7978845608028654f
extern "C" __global__ void geglu_forward_f32(float* out, const float* gate, const float* up, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float g = gate[i], t = tanhf(GELU_C * (g + 0.044715f * g * g * g));
        out[i] = 0.5f * g * (1.0f + t) * up[i];
    }
}

extern "C" __global__ void geglu_backward_f32(float* dgate, float* dup, const float* dout,
                                              const float* gate, const float* up, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float g = gate[i], t = tanhf(GELU_C * (g + 0.044715f * g * g * g)), d = dout[i];
        float dgelu = 0.5f * (1.0f + t) + 0.5f * g * (1.0f - t * t) * GELU_C * (1.0f + 3.0f * 0.044715f * g * g);
        dup[i] += d * 0.5f * g * (1.0f + t);
        dgate[i] += d * up[i] * dgelu;
    }
}

// x = cap * tanh(x / cap): Gemma 2's final-logit soft cap.
extern "C" __global__ void softcap_f32(float* x, float cap, long long n) {
    GRID_STRIDE_LOOP(i, n) x[i] = cap * tanhf(x[i] / cap);
}

// PyTorch AdamW; bias corrections 1-b1^t and 1-b2^t come from the host (computed in double).
extern "C" __global__ void adamw_f32(float* param, const float* grad, float* m, float* v, long long n,
                                     float lr, float beta1, float beta2, float eps, float weightDecay,
                                     float biasCorrection1, float biasCorrection2) {
    GRID_STRIDE_LOOP(i, n) {
        float g = grad[i];
        float p = param[i] * (1.0f - lr * weightDecay);
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float mHat = mi / biasCorrection1;
        float vHat = vi / biasCorrection2;
        param[i] = p - lr * mHat / (sqrtf(vHat) + eps);
    }
}

// One parameter of the multi-tensor AdamW: its four tensors, its first element in the
// concatenation of all parameters, and its weight decay. 48 bytes (AdamWTable.java writes them).
struct AdamwEntry {
    float* param;
    const float* grad;
    float* m;
    float* v;
    long long start;
    float weightDecay;
    int pad;
};

// adamw_f32 over every parameter in one launch: element idx of the concatenation belongs to the
// last entry whose start <= idx (binary search over the table).
extern "C" __global__ void adamw_multi_f32(const AdamwEntry* table, int count, long long total, float lr, float beta1,
                                           float beta2, float eps, float biasCorrection1, float biasCorrection2) {
    GRID_STRIDE_LOOP(idx, total) {
        int lo = 0, hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (table[mid].start <= idx) lo = mid; else hi = mid - 1;
        }
        const AdamwEntry& e = table[lo];
        long long i = idx - e.start;
        float g = e.grad[i];
        float p = e.param[i] * (1.0f - lr * e.weightDecay);
        float mi = beta1 * e.m[i] + (1.0f - beta1) * g;
        float vi = beta2 * e.v[i] + (1.0f - beta2) * g * g;
        e.m[i] = mi;
        e.v[i] = vi;
        e.param[i] = p - lr * (mi / biasCorrection1) / (sqrtf(vi / biasCorrection2) + eps);
    }
}

// Operand conversion for cuBLASLt's BF16 GEMM (round to nearest even) and for widening frozen
// BF16 weights to FP32 where the GEMM runs in FP32/TF32.
extern "C" __global__ void f32_to_bf16(uint16_t* out, const float* in, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = __bfloat16_as_ushort(__float2bfloat16_rn(in[i]));
}

extern "C" __global__ void bf16_to_f32(float* out, const uint16_t* in, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = bf16_to_float(in[i]);
}
