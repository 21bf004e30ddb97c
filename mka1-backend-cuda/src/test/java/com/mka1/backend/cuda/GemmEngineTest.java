package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemoryLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.mka1.backend.cuda.CublasLtLocator.Result;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/** Choosing the GEMM library without a GPU, the FFM signatures, and the raw addresses taken from JCuda. */
class GemmEngineTest {
    private static final Result MISSING = new Result.NotFound("libcublasLt.so.13 or libcublasLt.so.12 not found");

    @Test
    void withoutTheLibraryTheKernelsRunMatmulAndTheDescriptionSaysWhy() {
        GemmEngine engine = GemmEngine.select(null, () -> MISSING, p -> {
            throw new AssertionError("nothing to load");
        });
        assertThat(engine.api()).isNull();
        assertThat(engine.description())
                .isEqualTo("GEMM mka1 kernels (cuBLASLt unavailable: libcublasLt.so.13 or libcublasLt.so.12 not found)");
        assertThat(GemmEngine.select("AUTO", () -> MISSING, p -> null).description()).isEqualTo(engine.description());
    }

    @Test
    void aFileThatCannotBeBoundFallsBackWithTheReason() {
        Path bogus = Path.of("/tmp/libcublasLt.so.13");
        GemmEngine engine = GemmEngine.select("auto", () -> new Result.Found(bogus, "library folder /tmp"), p -> {
            throw new IllegalStateException(p + " has no symbol cublasLtMatmul");
        });
        assertThat(engine.description()).isEqualTo("GEMM mka1 kernels (cuBLASLt unavailable: /tmp/libcublasLt.so.13 could not be "
                + "bound: /tmp/libcublasLt.so.13 has no symbol cublasLtMatmul)");
    }

    @Test
    void realLoaderOnANonLibraryFileFallsBack() throws Exception {
        Path notElf = java.nio.file.Files.createTempFile("libcublasLt", ".so.13");
        try {
            GemmEngine engine = GemmEngine.select(null, () -> new Result.Found(notElf, "MKA1_CUBLASLT"), CublasLtApi::load);
            assertThat(engine.api()).isNull();
            assertThat(engine.description()).startsWith("GEMM mka1 kernels (cuBLASLt unavailable: " + notElf + " could not be bound: ");
        } finally {
            java.nio.file.Files.delete(notElf);
        }
    }

    @Test
    void kernelsOnRequestRequiredLibraryOrABadValueAreErrors() {
        assertThat(GemmEngine.select("kernels", () -> {
            throw new AssertionError("not searched");
        }, p -> null).description()).isEqualTo("GEMM mka1 kernels (cuda.gemm=kernels)");
        assertThatThrownBy(() -> GemmEngine.select("cublaslt", () -> MISSING, p -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cuda.gemm=cublaslt, but cuBLASLt is unavailable: libcublasLt.so.13 or libcublasLt.so.12 not found");
        assertThatThrownBy(() -> GemmEngine.select("cublas", () -> MISSING, p -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cuda.gemm must be auto, cublaslt or kernels, got 'cublas'");
    }

    @Test
    void versionNumbersReadAsMajorMinorPatch() {
        assertThat(CublasLtApi.describeVersion(130001)).isEqualTo("cuBLASLt 13.0.1");
        assertThat(CublasLtApi.describeVersion(120906)).isEqualTo("cuBLASLt 12.9.6");
    }

    @Test
    void downcallSignaturesFollowTheCPrototypes() {
        // (return, parameters) of cublasLt.h, written out independently: p = pointer/handle, i = int/enum, l = 64-bit integer
        Map<String, String> prototypes = new LinkedHashMap<>();
        prototypes.put("cublasLtGetVersion", "l:");
        prototypes.put("cublasLtGetStatusString", "p:i");
        prototypes.put("cublasLtCreate", "i:p");
        prototypes.put("cublasLtDestroy", "i:p");
        prototypes.put("cublasLtMatmulDescCreate", "i:pii");
        prototypes.put("cublasLtMatmulDescDestroy", "i:p");
        prototypes.put("cublasLtMatmulDescSetAttribute", "i:pipl");
        prototypes.put("cublasLtMatrixLayoutCreate", "i:pilll");
        prototypes.put("cublasLtMatrixLayoutDestroy", "i:p");
        prototypes.put("cublasLtMatmulPreferenceCreate", "i:p");
        prototypes.put("cublasLtMatmulPreferenceDestroy", "i:p");
        prototypes.put("cublasLtMatmulPreferenceSetAttribute", "i:pipl");
        prototypes.put("cublasLtMatmulAlgoGetHeuristic", "i:pppppppipp");
        prototypes.put("cublasLtMatmul", "i:pppppppppppppplp");
        Map<String, String> bound = new LinkedHashMap<>();
        CublasLtApi.FUNCTIONS.forEach((name, d) -> bound.put(name, code(d.returnLayout().orElseThrow()) + ":"
                + String.join("", d.argumentLayouts().stream().map(GemmEngineTest::code).toList())));
        assertThat(bound).isEqualTo(prototypes);
        // the heuristic result: 64-byte algo, then size_t workspaceSize, int state, float waves, int[4]
        assertThat(List.of(CublasLtApi.HEURISTIC_WORKSPACE_OFFSET, CublasLtApi.HEURISTIC_STATE_OFFSET, CublasLtApi.HEURISTIC_RESULT_BYTES))
                .containsExactly(64L, 72L, 96L);
    }

    private static String code(MemoryLayout layout) {
        return switch (layout.byteSize() == 8 && layout instanceof java.lang.foreign.AddressLayout ? "p" : layout.toString()) {
            case "p" -> "p";
            case "i4" -> "i";
            case "j8" -> "l";
            default -> layout.toString();
        };
    }

    @Test
    void rawAddressesComeFromJCudasHandlesIncludingViewOffsets() {
        CUdeviceptr base = new CUdeviceptr(); // no driver here: a null base address
        assertThat(DeviceAddress.of(base)).isZero();
        assertThat(DeviceAddress.of(base.withByteOffset(96))).isEqualTo(96);
        assertThat(DeviceAddress.of(base.withByteOffset(96).withByteOffset(32))).isEqualTo(128);
        assertThat(DeviceAddress.handle(new CUstream())).isZero();
        assertThat(CudaKernels.aligned(128)).isTrue();
        assertThat(CudaKernels.aligned(132)).isFalse();
    }
}
