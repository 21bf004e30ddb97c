package com.mka1.core.model;

/**
 * The rotary embedding of one layer: base {@code theta}, scaling, and how many leading
 * dimensions of each head rotate ({@code rotaryDim}, below {@code headDim} for a
 * {@code partial_rotary_factor} under 1).
 */
public record RotaryEmbedding(double theta, RopeScaling scaling, int rotaryDim) {
    public RotaryEmbedding {
        if (!(theta > 0)) throw new UnsupportedModelException("rope_theta must be positive, got " + theta);
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) {
            throw new UnsupportedModelException("rotary dimension " + rotaryDim + " must be even and positive");
        }
    }

    /** The inverse frequencies {@code [rotaryDim/2]} for a sequence of {@code seqLen} positions, rounded to float. */
    public float[] invFreq(int seqLen) {
        double[] f = scaling.invFreq(theta, rotaryDim, seqLen);
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) out[i] = (float) f[i];
        return out;
    }
}
