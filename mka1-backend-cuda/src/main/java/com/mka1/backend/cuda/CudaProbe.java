package com.mka1.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.mka1.spi.Availability;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;

/**
 * Checks, without ever throwing, whether a GPU can run the backend: the driver library loads
 * and initialises, the device exists, its compute capability is at least 7.0, and it reports
 * its free memory.
 */
final class CudaProbe {
    static final int MIN_MAJOR = 7;
    static final String NO_DRIVER = "NVIDIA driver not found (libcuda.so.1)";

    private CudaProbe() {}

    /** The device found at {@code ordinal}, or why there is none. */
    static Availability probe(int ordinal) {
        try {
            return probeDriver(ordinal);
        } catch (LinkageError e) {
            return new Availability.Unavailable(reasonFor(e));
        } catch (RuntimeException e) {
            return new Availability.Unavailable("CUDA probe failed: " + e.getMessage());
        }
    }

    /**
     * The reason for a failure to load JCuda's driver binding: the NVIDIA driver is missing
     * (the usual case on machines without a GPU) or JCuda's own native library is.
     */
    static String reasonFor(LinkageError error) {
        String messages = messages(error);
        if (messages.contains("libcuda") || messages.contains("JCudaDriver")) {
            return NO_DRIVER + ": " + firstLine(error);
        }
        return "JCuda native library could not be loaded: " + firstLine(error);
    }

    private static Availability probeDriver(int ordinal) {
        int init = cuInit(0);
        if (init != CUresult.CUDA_SUCCESS) {
            return new Availability.Unavailable("CUDA driver failed to initialise: " + CUresult.stringFor(init)
                    + (init == CUresult.CUDA_ERROR_NO_DEVICE ? " (no NVIDIA GPU visible)" : ""));
        }
        int[] count = new int[1];
        CudaException.check(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) return new Availability.Unavailable("no CUDA device found");
        if (ordinal >= count[0]) {
            return new Availability.Unavailable("CUDA device " + ordinal + " requested, but " + count[0] + " present");
        }
        CUdevice device = new CUdevice();
        CudaException.check(cuDeviceGet(device, ordinal), "cuDeviceGet");
        String name = name(device);
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        if (major < MIN_MAJOR) {
            return new Availability.Unavailable(name + " has compute capability " + major + "." + minor
                    + "; " + MIN_MAJOR + ".0 or newer is needed");
        }
        long[] free = new long[1], total = new long[1];
        CUcontext context = new CUcontext();
        CudaException.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        try {
            CudaException.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CudaException.check(cuMemGetInfo(free, total), "cuMemGetInfo");
        } finally {
            cuDevicePrimaryCtxRelease(device);
        }
        int[] driver = new int[1];
        CudaException.check(cuDriverGetVersion(driver), "cuDriverGetVersion");
        return new Availability.Available(describe(name, major, minor, free[0], total[0], driver[0]));
    }

    static String describe(String name, int major, int minor, long freeBytes, long totalBytes, int driverVersion) {
        return String.format(Locale.ROOT, "%s (sm_%d%d, %.1f GiB free of %.1f GiB, CUDA driver %d.%d)",
                name, major, minor, freeBytes / GIB, totalBytes / GIB, driverVersion / 1000, driverVersion % 1000 / 10);
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    private static String name(CUdevice device) {
        byte[] bytes = new byte[256];
        CudaException.check(cuDeviceGetName(bytes, bytes.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        CudaException.check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) all.append(t).append('\n');
        return all.toString();
    }

    private static String firstLine(Throwable error) {
        String message = String.valueOf(error.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
