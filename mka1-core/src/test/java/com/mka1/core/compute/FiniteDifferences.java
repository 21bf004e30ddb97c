package com.mka1.core.compute;

import com.mka1.spi.Tensor;

import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Central finite differences in double precision on reference-device tensors. */
public final class FiniteDifferences {
    private static final double STEP = 1e-5;

    private FiniteDifferences() {}

    /** d(loss)/d(input) element by element; {@code loss} must recompute from the tensors each call. */
    public static double[] gradient(ReferenceDevice device, Tensor input, DoubleSupplier loss) {
        double[] x = device.readDoubles(input);
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + STEP;
            device.writeDoubles(input, x);
            double plus = loss.getAsDouble();
            x[i] = keep - STEP;
            device.writeDoubles(input, x);
            double minus = loss.getAsDouble();
            x[i] = keep;
            g[i] = (plus - minus) / (2 * STEP);
        }
        device.writeDoubles(input, x);
        return g;
    }

    /** Asserts max |a - n| <= tol * max(1, max |n|), naming the tensor on failure. */
    public static void assertClose(String name, double[] analytic, double[] numeric, double tol) {
        assertThat(analytic).as(name + " length").hasSameSizeAs(numeric);
        double scale = 1, err = 0;
        for (int i = 0; i < numeric.length; i++) {
            scale = Math.max(scale, Math.abs(numeric[i]));
            err = Math.max(err, Math.abs(analytic[i] - numeric[i]));
        }
        assertThat(err / scale).as("max relative error of d/d" + name).isLessThan(tol);
        assertThat(maxAbs(numeric)).as("d/d" + name + " must not be trivially zero").isGreaterThan(1e-6);
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
