package com.mka1.backend.cuda;

import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.BackendUnavailableException;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;

/**
 * The "cuda" backend: NVIDIA GPUs of compute capability 7.0 or newer through the CUDA driver
 * API (JCuda), with kernels shipped as PTX in the jar. Needs only the NVIDIA driver
 * ({@code libcuda.so.1}); no CUDA toolkit, cuBLAS or runtime library. Wins over "cpu" when a
 * usable GPU is present; otherwise {@link #probe()} says why not.
 *
 * <p>Option ({@link BackendOptions#extra()}): {@code cuda.matmul} = {@code 3xtf32} (default on
 * sm_80 and newer: tensor cores at FP32 accuracy), {@code tf32} (tensor cores, TF32 precision),
 * {@code bf16} (tensor cores, BF16 operands: mixed-precision speed) or {@code fp32} (CUDA cores; the default before sm_80).
 */
public final class CudaBackend implements ComputeBackend {
    static final String NAME = "cuda";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public Availability probe() {
        return CudaProbe.probe(0);
    }

    @Override
    public ComputeDevice open(BackendOptions options) {
        Availability availability = CudaProbe.probe(options.deviceIndex());
        return switch (availability) {
            case Availability.Unavailable(String reason) ->
                    throw new BackendUnavailableException("cuda backend unavailable: " + reason);
            case Availability.Available(String description) -> new CudaDevice(options.deviceIndex(), description, options);
        };
    }
}
