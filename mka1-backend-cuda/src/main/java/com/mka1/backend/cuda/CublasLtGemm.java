package com.mka1.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Row-major matmuls through cuBLASLt on the device's stream. One plan per distinct problem
 * (shape, transposes, operand and compute type): the descriptors and the heuristic's first
 * algorithm, made once and kept (a training step repeats the same few dozen shapes). Operands
 * and the output must start on 16 bytes; the preference asks for algorithms that need no more.
 */
final class CublasLtGemm implements Gemm, AutoCloseable {
    static final long WORKSPACE_BYTES = 32L << 20; // NVIDIA's recommendation for Hopper
    static final int ALIGNMENT = 16;

    /** Its descriptors and algorithm. */
    private record Plan(MemorySegment desc, MemorySegment first, MemorySegment second, MemorySegment out, MemorySegment algo) {}

    private final CublasLtApi api;
    private final CudaContext context;
    private final Workspace workspace;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final DeviceBlock scratch;
    private final MemorySegment alpha = arena.allocate(JAVA_FLOAT), beta = arena.allocate(JAVA_FLOAT);
    private final Map<Problem, Plan> plans = new HashMap<>();
    private final Map<Problem, Boolean> unsupported = new HashMap<>();

    /** Creates the library handle; throws when cuBLASLt cannot start on this device (e.g. a driver too old for it). */
    CublasLtGemm(CublasLtApi api, CudaContext context, Workspace workspace) {
        this.api = api;
        this.context = context;
        this.workspace = workspace;
        context.bind();
        MemorySegment out = arena.allocate(ADDRESS);
        api.check("cublasLtCreate", out);
        this.handle = out.get(ADDRESS, 0);
        this.scratch = workspace.acquire(WORKSPACE_BYTES);
    }

    /** Whether cuBLASLt has an algorithm for {@code problem} (the plan is made and kept on first ask). */
    @Override
    public boolean supports(Problem problem) {
        return plan(problem) != null;
    }

    /**
     * Queues {@code C = alpha op(A) op(B) + beta C} at device addresses {@code c}, {@code a},
     * {@code b}; {@link #supports} must have said yes.
     */
    @Override
    public void matmul(Problem problem, long c, long a, long b, float alphaValue, float betaValue) {
        Plan plan = plan(problem);
        if (plan == null) throw new IllegalStateException("no cuBLASLt algorithm for " + problem);
        context.bind();
        alpha.set(JAVA_FLOAT, 0, alphaValue);
        beta.set(JAVA_FLOAT, 0, betaValue);
        // The library's first operand is B's memory, its second A's (ColumnMajorGemm).
        int status = api.matmul(handle, plan.desc(), alpha, b, plan.first(), a, plan.second(), beta, c, plan.out(), plan.algo(),
                DeviceAddress.of(scratch.pointer()), WORKSPACE_BYTES, DeviceAddress.handle(context.stream()));
        if (status != 0) throw new IllegalStateException("cublasLtMatmul failed for " + problem + ": " + api.statusString(status));
    }

    private Plan plan(Problem p) {
        Plan plan = plans.get(p);
        if (plan != null || unsupported.containsKey(p)) return plan;
        context.bind();
        ColumnMajorGemm g = ColumnMajorGemm.of(p.m(), p.n(), p.k(), p.transA(), p.transB());
        MemorySegment desc = create("cublasLtMatmulDescCreate", p.computeType(), CublasLtApi.CUDA_R_32F);
        setInt("cublasLtMatmulDescSetAttribute", desc, CublasLtApi.DESC_TRANSA, g.transFirst() ? CublasLtApi.OP_T : CublasLtApi.OP_N);
        setInt("cublasLtMatmulDescSetAttribute", desc, CublasLtApi.DESC_TRANSB, g.transSecond() ? CublasLtApi.OP_T : CublasLtApi.OP_N);
        MemorySegment first = layout(p.operandType(), g.first());
        MemorySegment second = layout(p.operandType(), g.second());
        MemorySegment out = layout(CublasLtApi.CUDA_R_32F, g.out());
        MemorySegment preference = create("cublasLtMatmulPreferenceCreate");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment bytes = call.allocate(JAVA_LONG);
            bytes.set(JAVA_LONG, 0, WORKSPACE_BYTES);
            api.check("cublasLtMatmulPreferenceSetAttribute", preference, CublasLtApi.PREF_MAX_WORKSPACE_BYTES, bytes, 8L);
            for (int attribute : new int[] {CublasLtApi.PREF_MIN_ALIGNMENT_A, CublasLtApi.PREF_MIN_ALIGNMENT_B,
                    CublasLtApi.PREF_MIN_ALIGNMENT_C, CublasLtApi.PREF_MIN_ALIGNMENT_D}) {
                setInt("cublasLtMatmulPreferenceSetAttribute", preference, attribute, ALIGNMENT);
            }
            MemorySegment result = arena.allocate(CublasLtApi.HEURISTIC_RESULT_BYTES, 8);
            MemorySegment returned = call.allocate(JAVA_INT);
            int status = api.call("cublasLtMatmulAlgoGetHeuristic", handle, desc, first, second, out, out, preference, 1, result,
                    returned);
            if (status != 0 || returned.get(JAVA_INT, 0) < 1
                    || result.get(JAVA_LONG, CublasLtApi.HEURISTIC_WORKSPACE_OFFSET) > WORKSPACE_BYTES) {
                for (MemorySegment l : new MemorySegment[] {first, second, out}) api.check("cublasLtMatrixLayoutDestroy", l);
                api.check("cublasLtMatmulDescDestroy", desc);
                unsupported.put(p, Boolean.TRUE);
                return null;
            }
            plan = new Plan(desc, first, second, out, result); // the algo is the result's first 64 bytes
            plans.put(p, plan);
            return plan;
        } finally {
            api.check("cublasLtMatmulPreferenceDestroy", preference);
        }
    }

    private MemorySegment layout(int type, ColumnMajorGemm.Layout l) {
        return create("cublasLtMatrixLayoutCreate", type, l.rows(), l.cols(), l.ld());
    }

    /** Calls a {@code xxxCreate(T* out, args...)} and returns the handle it wrote. */
    private MemorySegment create(String function, Object... args) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Object[] all = new Object[args.length + 1];
            all[0] = out;
            System.arraycopy(args, 0, all, 1, args.length);
            api.check(function, all);
            return out.get(ADDRESS, 0);
        }
    }

    private void setInt(String function, MemorySegment target, int attribute, int value) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment v = call.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            api.check(function, target, attribute, v, 4L);
        }
    }

    @Override
    public void close() {
        context.bind();
        for (Plan plan : plans.values()) {
            for (MemorySegment l : new MemorySegment[] {plan.first(), plan.second(), plan.out()}) {
                api.call("cublasLtMatrixLayoutDestroy", l);
            }
            api.call("cublasLtMatmulDescDestroy", plan.desc());
        }
        plans.clear();
        api.call("cublasLtDestroy", handle);
        workspace.release(scratch);
        arena.close();
        api.close();
    }
}
