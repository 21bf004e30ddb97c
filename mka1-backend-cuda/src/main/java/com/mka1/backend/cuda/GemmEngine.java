package com.mka1.backend.cuda;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which library runs {@code matmul}, chosen with the backend option {@code cuda.gemm}:
 * {@code auto} (default: cuBLASLt where it loads, else the mka1 kernels), {@code cublaslt}
 * (required: opening the device fails when it cannot load) or {@code kernels}. The mka1
 * kernels stay the fallback for shapes cuBLASLt has no algorithm for, and the oracle.
 *
 * @param api         the bound library, or null for the kernels
 * @param description what the device description says about it
 */
record GemmEngine(CublasLtApi api, String description) {
    static final String OPTION = "cuda.gemm";

    /** The engine for {@code option}; {@code locate} and {@code load} are the search and the binding (tests pass others). */
    static GemmEngine select(String option, Supplier<CublasLtLocator.Result> locate, Function<Path, CublasLtApi> load) {
        String mode = option == null ? "auto" : option.toLowerCase(Locale.ROOT);
        if (mode.equals("kernels")) return kernels(OPTION + "=kernels");
        if (!mode.equals("auto") && !mode.equals("cublaslt")) {
            throw new IllegalArgumentException(OPTION + " must be auto, cublaslt or kernels, got '" + option + "'");
        }
        String reason;
        switch (locate.get()) {
            case CublasLtLocator.Result.NotFound(String why) -> reason = why;
            case CublasLtLocator.Result.Found(Path library, String source) -> {
                try {
                    CublasLtApi api = load.apply(library);
                    return new GemmEngine(api, "GEMM " + CublasLtApi.describeVersion(api.version()) + " (" + library
                            + ", from " + source + ")");
                } catch (RuntimeException | LinkageError e) {
                    reason = library + " could not be bound: " + e.getMessage();
                }
            }
        }
        if (mode.equals("cublaslt")) {
            throw new IllegalArgumentException(OPTION + "=cublaslt, but cuBLASLt is unavailable: " + reason);
        }
        return kernels("cuBLASLt unavailable: " + reason);
    }

    /** The mka1 kernels, and why. */
    static GemmEngine kernels(String why) {
        return new GemmEngine(null, "GEMM mka1 kernels (" + why + ")");
    }
}
