package com.mka1.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides between the Vector API and scalar loops. The incubator module is
 * only resolved when the JVM is started with {@code --add-modules jdk.incubator.vector}; without
 * it the backend still works, slower, and says once how to enable it.
 */
final class VectorApiSupport {
    static final String MODULE = "jdk.incubator.vector";
    private static final Logger LOG = LoggerFactory.getLogger(VectorApiSupport.class);
    /** Log once per JVM, not once per device. */
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private VectorApiSupport() {}

    /** Whether the Vector API module is resolved in this JVM. */
    static boolean moduleResolved() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** The fastest ops this JVM can run; {@code allowVector=false} forces the scalar loops. */
    static FloatOps select(boolean allowVector) {
        if (allowVector && moduleResolved()) {
            try {
                return new VectorFloatOps();
            } catch (LinkageError e) {
                warnOnce("the Vector API failed to load (" + e + ")");
                return new ScalarFloatOps();
            }
        }
        if (allowVector) warnOnce("the " + MODULE + " module is not enabled");
        return new ScalarFloatOps();
    }

    private static void warnOnce(String why) {
        if (!WARNED.compareAndSet(false, true)) return;
        LOG.warn("CPU backend: {}; falling back to scalar loops (several times slower). "
                + "Start the JVM with --add-modules {} to enable SIMD kernels.", why, MODULE);
    }
}
