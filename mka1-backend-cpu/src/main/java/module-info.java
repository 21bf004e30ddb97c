/** Vector API SIMD compute backend ("cpu"). */
module com.mka1.backend.cpu {
    requires com.mka1.api;
    requires org.slf4j;
    requires static jdk.incubator.vector;

    provides com.mka1.spi.ComputeBackend with com.mka1.backend.cpu.CpuBackend;
}
