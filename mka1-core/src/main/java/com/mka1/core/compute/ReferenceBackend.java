package com.mka1.core.compute;

import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;

/**
 * The plain-Java reference backend: every tensor held as {@code double[]}, every kernel a
 * straightforward loop in double precision. Slow and exact: the oracle other backends are
 * tested against, and the basis of finite-difference checks. Always available.
 */
public final class ReferenceBackend implements ComputeBackend {
    public static final String NAME = "reference";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return new Availability.Available("plain Java, double precision, single thread");
    }

    @Override
    public ComputeDevice open(BackendOptions options) {
        return new ReferenceDevice();
    }
}
