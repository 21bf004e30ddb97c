package com.mka1.backend.cuda;

import jcuda.driver.CUresult;

/** A CUDA driver call failed; the message names the call and the driver's error code. */
public final class CudaException extends RuntimeException {
    private final int result;

    CudaException(String operation, int result) {
        super(operation + " failed: " + CUresult.stringFor(result) + " (" + result + ")");
        this.result = result;
    }

    /** The driver's {@code CUresult} code. */
    public int result() {
        return result;
    }

    /** Throws a {@link CudaException} unless {@code result} is {@code CUDA_SUCCESS}. */
    static void check(int result, String operation) {
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(operation, result);
    }
}
