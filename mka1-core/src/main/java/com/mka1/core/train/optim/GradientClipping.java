package com.mka1.core.train.optim;

import com.mka1.core.model.Parameter;
import com.mka1.spi.Kernels;
import java.util.List;

/** Clipping of all gradients together by their global L2 norm (as PyTorch's clip_grad_norm_). */
public final class GradientClipping {
    private GradientClipping() {}

    /** The L2 norm of all gradients taken together. */
    public static double globalNorm(List<Parameter> parameters) {
        double sum = 0;
        for (Parameter p : parameters) {
            sum += kernels(p).sumOfSquares(p.gradient(), p.gradient().size());
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when the global norm exceeds
     * {@code maxNorm}; returns the norm before clipping.
     */
    public static double clip(List<Parameter> parameters, double maxNorm) {
        double norm = globalNorm(parameters);
        if (norm > maxNorm) {
            float factor = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : parameters) {
                kernels(p).scale(p.gradient(), factor, p.gradient().size());
            }
        }
        return norm;
    }

    private static Kernels kernels(Parameter p) {
        return p.gradient().device().kernels();
    }
}
