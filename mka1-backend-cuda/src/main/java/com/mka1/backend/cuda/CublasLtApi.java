package com.mka1.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handful of cuBLASLt functions the backend calls, bound with the JDK's Foreign Function &
 * Memory API (no JNI, nothing version-pinned: the C ABI of these functions is the same in CUDA
 * 12 and 13). Handles are {@code void*}; {@code size_t}/{@code uint64_t}/{@code int64_t} are
 * Java longs; enums are ints. Every call returns a {@code cublasStatus_t}, checked by
 * {@link #check}.
 */
final class CublasLtApi implements AutoCloseable {
    // cudaDataType_t
    static final int CUDA_R_32F = 0, CUDA_R_16BF = 14;
    // cublasComputeType_t
    static final int COMPUTE_32F = 68, COMPUTE_32F_FAST_TF32 = 77;
    // cublasOperation_t
    static final int OP_N = 0, OP_T = 1;
    // cublasLtMatmulDescAttributes_t
    static final int DESC_TRANSA = 3, DESC_TRANSB = 4, DESC_EPILOGUE = 7, DESC_BIAS_POINTER = 8;
    // cublasLtEpilogue_t
    static final int EPILOGUE_DEFAULT = 1, EPILOGUE_BIAS = 4;
    // cublasLtMatmulPreferenceAttributes_t
    static final int PREF_MAX_WORKSPACE_BYTES = 1, PREF_MIN_ALIGNMENT_A = 5, PREF_MIN_ALIGNMENT_B = 6,
            PREF_MIN_ALIGNMENT_C = 7, PREF_MIN_ALIGNMENT_D = 8;
    /** sizeof(cublasLtMatmulHeuristicResult_t): algo (8 x uint64), size_t workspaceSize, int state, float waves, int[4]. */
    static final long HEURISTIC_RESULT_BYTES = 96, HEURISTIC_WORKSPACE_OFFSET = 64, HEURISTIC_STATE_OFFSET = 72;

    /** Every bound function with its C signature, as FFM descriptors (a test checks the arities). */
    static final Map<String, FunctionDescriptor> FUNCTIONS = functions();

    private static Map<String, FunctionDescriptor> functions() {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("cublasLtGetVersion", FunctionDescriptor.of(JAVA_LONG));                                   // size_t ()
        f.put("cublasLtGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));                     // const char* (status)
        f.put("cublasLtCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));                              // (handle*)
        f.put("cublasLtDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));                             // (handle)
        f.put("cublasLtMatmulDescCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); // (desc*, compute, scale type)
        f.put("cublasLtMatmulDescDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulDescSetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        f.put("cublasLtMatrixLayoutCreate",                                                              // (layout*, type, rows, cols, ld)
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        f.put("cublasLtMatrixLayoutDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulPreferenceCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulPreferenceDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulPreferenceSetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        // (handle, op desc, A desc, B desc, C desc, D desc, preference, requested, results*, returned*)
        f.put("cublasLtMatmulAlgoGetHeuristic", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        // (handle, op desc, alpha*, A, A desc, B, B desc, beta*, C, C desc, D, D desc, algo*, workspace, bytes, stream)
        f.put("cublasLtMatmul", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        return Map.copyOf(f);
    }

    private final Arena arena;
    private final Path library;
    private final Map<String, MethodHandle> handles;

    private CublasLtApi(Arena arena, Path library, Map<String, MethodHandle> handles) {
        this.arena = arena;
        this.library = library;
        this.handles = handles;
    }

    /** Opens {@code library} and binds every function; throws if the file is not a cuBLASLt. */
    static CublasLtApi load(Path library) {
        Arena arena = Arena.ofShared();
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(library, arena);
            Linker linker = Linker.nativeLinker();
            Map<String, MethodHandle> handles = new LinkedHashMap<>();
            for (var e : FUNCTIONS.entrySet()) {
                MemorySegment symbol = lookup.find(e.getKey())
                        .orElseThrow(() -> new IllegalStateException(library + " has no symbol " + e.getKey()));
                handles.put(e.getKey(), linker.downcallHandle(symbol, e.getValue()));
            }
            return new CublasLtApi(arena, library, Map.copyOf(handles));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    Path library() {
        return library;
    }

    /** The library's version, major*10000 + minor*100 + patch (e.g. 130001). */
    long version() {
        try {
            return (long) handles.get("cublasLtGetVersion").invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** "cuBLASLt 13.0.1" from {@link #version()}. */
    static String describeVersion(long version) {
        return "cuBLASLt " + version / 10000 + "." + version / 100 % 100 + "." + version % 100;
    }

    /** Calls a status-returning function and throws a {@link CudaException}-like error naming it on failure. */
    void check(String function, Object... args) {
        int status;
        try {
            status = (int) handles.get(function).invokeWithArguments(args);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (status != 0) throw new IllegalStateException(function + " failed: " + statusString(status) + " (" + status + ")");
    }

    /** Like {@link #check} but returns the status, for calls whose failure the caller handles. */
    int call(String function, Object... args) {
        try {
            return (int) handles.get(function).invokeWithArguments(args);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The hot path, without varargs boxing of the handle lookup. */
    int matmul(MemorySegment handle, MemorySegment desc, MemorySegment alpha, long a, MemorySegment aDesc,
               long b, MemorySegment bDesc, MemorySegment beta, long c, MemorySegment cDesc,
               MemorySegment algo, long workspace, long workspaceBytes, long stream) {
        MemorySegment cPtr = MemorySegment.ofAddress(c);
        try {
            return (int) handles.get("cublasLtMatmul").invokeExact(handle, desc, alpha, MemorySegment.ofAddress(a), aDesc,
                    MemorySegment.ofAddress(b), bDesc, beta, cPtr, cDesc, cPtr, cDesc, algo,
                    MemorySegment.ofAddress(workspace), workspaceBytes, MemorySegment.ofAddress(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String statusString(int status) {
        try {
            MemorySegment text = (MemorySegment) handles.get("cublasLtGetStatusString").invokeExact(status);
            return text.equals(MemorySegment.NULL) ? "status " + status : text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "status " + status;
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    @Override
    public void close() {
        arena.close();
    }
}
