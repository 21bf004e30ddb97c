/** JCuda compute backend ("cuda"): driver API and PTX kernels shipped in the jar. */
module com.mka1.backend.cuda {
    requires com.mka1.api;
    requires org.slf4j;
    requires jcuda;
}
