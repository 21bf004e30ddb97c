package com.mka1.spi;

/**
 * Memory of a compute device, in bytes.
 *
 * @param allocated bytes currently held by live tensors of this device
 * @param peak      the most bytes held at once since the device was opened
 * @param total     capacity of the device (heap max for JVM backends), or -1 if unknown
 */
public record MemoryInfo(long allocated, long peak, long total) {}
