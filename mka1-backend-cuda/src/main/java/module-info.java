/**
 * JCuda compute backend ("cuda"): driver API and PTX kernels shipped in the jar. Exports
 * nothing; it is found through {@link com.mka1.spi.ComputeBackend}.
 */
module com.mka1.backend.cuda {
    requires com.mka1.api;
    requires org.slf4j;
    requires jcuda;

    provides com.mka1.spi.ComputeBackend with com.mka1.backend.cuda.CudaBackend;
}
