// Reductions in double: per-block partial sums, then one block folds the partials.
#include "common.cuh"

extern "C" __global__ void sum_partials_f32(double* partials, const float* x, long long n, int squares) {
    double acc = 0.0;
    GRID_STRIDE_LOOP(i, n) {
        double v = x[i];
        acc += squares ? v * v : v;
    }
    acc = block_sum_double(acc);
    if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

extern "C" __global__ void sum_final_f64(double* result, const double* partials, int count) {
    double acc = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
    acc = block_sum_double(acc);
    if (threadIdx.x == 0) result[0] = acc;
}
