package com.mka1.backend.cuda;

/** The C type of one kernel parameter and its PTX spelling ({@code .param .u64 name}). */
enum ParamType {
    /** A device pointer (a {@link CudaTensor}, a {@link DeviceBlock}, or null). */
    PTR("u64"),
    /** A C {@code int}. */
    I32("u32"),
    /** A C {@code long long}. */
    I64("u64"),
    /** A C {@code float}. */
    F32("f32");

    private final String ptxType;

    ParamType(String ptxType) {
        this.ptxType = ptxType;
    }

    /** The PTX parameter type nvcc emits for this C type ("u64", "u32", "f32"). */
    String ptxType() {
        return ptxType;
    }

    /** Whether {@code argument} is a valid Java value for this parameter. */
    boolean accepts(Object argument) {
        return switch (this) {
            case PTR -> argument == null || argument instanceof CudaTensor || argument instanceof DeviceBlock;
            case I32 -> argument instanceof Integer;
            case I64 -> argument instanceof Long;
            case F32 -> argument instanceof Float;
        };
    }
}
