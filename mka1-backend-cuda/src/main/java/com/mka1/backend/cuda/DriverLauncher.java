package com.mka1.backend.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JITOptions;

/**
 * Launches kernels through the driver API. PTX modules are loaded (JIT-compiled by the driver
 * for the device) on first use and kept until {@link #close()}.
 */
final class DriverLauncher implements KernelLauncher, AutoCloseable {
    private final CudaContext context;
    private final CUstream stream;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<KernelSpec, CUfunction> functions = new HashMap<>();
    private final Map<KernelSpec, Integer> sharedLimits = new HashMap<>();

    DriverLauncher(CudaContext context) {
        this.context = context;
        this.stream = context.stream();
    }

    @Override
    public void launch(KernelSpec kernel, LaunchShape shape, Object... args) {
        kernel.checkArguments(args);
        context.bind(); // callers may keep the Kernels and call from another thread
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) params[i] = parameter(args[i]);
        CUfunction function = function(kernel);
        if (shape.sharedBytes() > DEFAULT_SHARED_LIMIT && sharedLimits.getOrDefault(kernel, 0) < shape.sharedBytes()) {
            CudaException.check(cuFuncSetAttribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    shape.sharedBytes()), "cuFuncSetAttribute(" + kernel.entry() + ", " + shape.sharedBytes() + " bytes shared)");
            sharedLimits.put(kernel, shape.sharedBytes());
        }
        CudaException.check(cuLaunchKernel(function, shape.gridX(), shape.gridY(), shape.gridZ(), shape.blockX(), 1, 1,
                shape.sharedBytes(), stream, Pointer.to(params), null), "cuLaunchKernel(" + kernel.entry() + ")");
    }

    /** Dynamic shared memory a kernel may use without raising its limit. */
    private static final int DEFAULT_SHARED_LIMIT = 48 * 1024;

    private static Pointer parameter(Object arg) {
        return switch (arg) {
            case null -> Pointer.to(new long[] {0L});
            case CudaTensor t -> Pointer.to(t.pointer());
            case DeviceBlock b -> Pointer.to(b.pointer());
            case Integer v -> Pointer.to(new int[] {v});
            case Long v -> Pointer.to(new long[] {v});
            case Float v -> Pointer.to(new float[] {v});
            default -> throw new IllegalArgumentException("unsupported kernel argument " + arg.getClass());
        };
    }

    private CUfunction function(KernelSpec kernel) {
        CUfunction function = functions.get(kernel);
        if (function == null) {
            function = new CUfunction();
            CudaException.check(cuModuleGetFunction(function, module(kernel.module()), kernel.entry()),
                    "cuModuleGetFunction(" + kernel.entry() + ")");
            functions.put(kernel, function);
        }
        return function;
    }

    private CUmodule module(String name) {
        CUmodule module = modules.get(name);
        if (module == null) {
            byte[] ptx = KernelCatalog.ptx(name).getBytes(StandardCharsets.US_ASCII);
            byte[] image = Arrays.copyOf(ptx, ptx.length + 1); // NUL-terminated for the driver
            module = new CUmodule();
            int result = cuModuleLoadData(module, image);
            if (result != CUresult.CUDA_SUCCESS) {
                throw new CudaException("cuModuleLoadData(ptx/" + name + ".ptx)" + jitErrorLog(image), result);
            }
            modules.put(name, module);
        }
        return module;
    }

    /** Loads the PTX again with an error-log buffer, to say why the driver's JIT rejected it. */
    private static String jitErrorLog(byte[] image) {
        int size = 16 * 1024;
        JITOptions options = new JITOptions();
        options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[size]);
        options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, size);
        CUmodule retry = new CUmodule();
        if (cuModuleLoadDataJIT(retry, Pointer.to(image), options) == CUresult.CUDA_SUCCESS) {
            cuModuleUnload(retry);
            return "";
        }
        String log = options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
        return log == null || log.isBlank() ? "" : " [JIT log: " + log.trim() + "]";
    }

    @Override
    public void close() {
        for (CUmodule module : modules.values()) cuModuleUnload(module);
        modules.clear();
        functions.clear();
        sharedLimits.clear();
    }
}
