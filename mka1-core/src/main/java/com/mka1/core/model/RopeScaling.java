package com.mka1.core.model;

import java.util.List;

/**
 * How a config's RoPE parameters ({@code rope_parameters}, or {@code rope_scaling} in the
 * transformers-4 form) change the rotary inverse frequencies, following transformers'
 * {@code modeling_rope_utils}. Two variants depend on the length of the sequence seen so far
 * (dynamic NTK and longrope), as transformers' {@code dynamic_rope_update} does.
 */
public sealed interface RopeScaling {
    /**
     * The scaled inverse frequencies for {@code rotaryDim} rotated dimensions when positions
     * {@code 0 .. seqLen-1} are in use.
     */
    double[] invFreq(double theta, int rotaryDim, int seqLen);

    /** The factor transformers multiplies cos and sin by (yarn, longrope); 1 otherwise. */
    default double attentionFactor() {
        return 1;
    }

    /** Whether {@link #invFreq} changes with {@code seqLen}. */
    default boolean dependsOnLength() {
        return false;
    }

    /** transformers' unscaled frequencies {@code 1 / theta^(2i/dim)}. */
    static double[] base(double theta, int rotaryDim) {
        double[] f = new double[rotaryDim / 2];
        for (int i = 0; i < f.length; i++) f[i] = 1.0 / Math.pow(theta, (2.0 * i) / rotaryDim);
        return f;
    }

    /** No scaling ({@code rope_type: default}). */
    record None() implements RopeScaling {
        public double[] invFreq(double theta, int rotaryDim, int seqLen) {
            return base(theta, rotaryDim);
        }
    }

    /** Position interpolation: every frequency divided by {@code factor}. */
    record Linear(double factor) implements RopeScaling {
        public Linear {
            requirePositive(factor);
        }

        public double[] invFreq(double theta, int rotaryDim, int seqLen) {
            double[] f = base(theta, rotaryDim);
            for (int i = 0; i < f.length; i++) f[i] /= factor;
            return f;
        }
    }

    /** Dynamic NTK: past {@code maxPositions} tokens, theta grows with the sequence length. */
    record Dynamic(double factor, int maxPositions) implements RopeScaling {
        public Dynamic {
            requirePositive(factor);
        }

        public double[] invFreq(double theta, int rotaryDim, int seqLen) {
            int len = Math.max(seqLen, maxPositions);
            double scaled = theta * Math.pow(factor * len / maxPositions - (factor - 1), rotaryDim / (rotaryDim - 2.0));
            return base(scaled, rotaryDim);
        }

        @Override
        public boolean dependsOnLength() {
            return true;
        }
    }

    /** Llama 3.1: low frequencies divided by {@code factor}, high kept, a smooth blend between. */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions)
            implements RopeScaling {
        public Llama3 {
            requirePositive(factor);
            if (!(highFreqFactor > lowFreqFactor)) {
                throw new UnsupportedModelException("rope_scaling.high_freq_factor " + highFreqFactor
                        + " must exceed low_freq_factor " + lowFreqFactor);
            }
        }

        public double[] invFreq(double theta, int rotaryDim, int seqLen) {
            double[] f = base(theta, rotaryDim);
            double lowWavelen = originalMaxPositions / lowFreqFactor, highWavelen = originalMaxPositions / highFreqFactor;
            for (int i = 0; i < f.length; i++) {
                double wavelen = 2 * Math.PI / f[i];
                if (wavelen > lowWavelen) {
                    f[i] /= factor;
                } else if (wavelen >= highWavelen) {
                    double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    f[i] = (1 - smooth) * f[i] / factor + smooth * f[i];
                }
            }
            return f;
        }
    }

    /**
     * YaRN: interpolated and extrapolated frequencies blended by a linear ramp between the
     * correction dimensions of {@code betaFast} and {@code betaSlow}; cos/sin scaled by
     * {@code attentionFactor}.
     */
    record Yarn(double factor, int originalMaxPositions, double betaFast, double betaSlow, boolean truncate,
                double attentionFactor) implements RopeScaling {
        public Yarn {
            requirePositive(factor);
        }

        public double[] invFreq(double theta, int rotaryDim, int seqLen) {
            double low = correctionDim(betaFast, rotaryDim, theta), high = correctionDim(betaSlow, rotaryDim, theta);
            if (truncate) {
                low = Math.floor(low);
                high = Math.ceil(high);
            }
            low = Math.max(low, 0);
            high = Math.min(high, rotaryDim - 1);
            if (low == high) high += 0.001;
            double[] f = base(theta, rotaryDim);
            for (int i = 0; i < f.length; i++) {
                double ramp = Math.clamp((i - low) / (high - low), 0, 1);
                double extrapolation = 1 - ramp;
                f[i] = f[i] / factor * (1 - extrapolation) + f[i] * extrapolation;
            }
            return f;
        }

        private double correctionDim(double rotations, int dim, double theta) {
            return dim * Math.log(originalMaxPositions / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
        }

        /** transformers' default: {@code 0.1 ln(factor) + 1} (or the mscale ratio when both are given). */
        static double defaultAttentionFactor(double factor, double mscale, double mscaleAllDim) {
            if (mscale != 0 && mscaleAllDim != 0) return mscale(factor, mscale) / mscale(factor, mscaleAllDim);
            return mscale(factor, 1);
        }

        private static double mscale(double scale, double m) {
            return scale <= 1 ? 1 : 0.1 * m * Math.log(scale) + 1;
        }
    }

    /**
     * LongRoPE (Phi-3/Phi-4): per-frequency divisors, {@code shortFactor} while the sequence fits
     * in {@code originalMaxPositions}, {@code longFactor} beyond; cos/sin scaled by
     * {@code attentionFactor}.
     */
    record LongRope(List<Double> shortFactor, List<Double> longFactor, int originalMaxPositions,
                    double attentionFactor) implements RopeScaling {
        public LongRope {
            shortFactor = List.copyOf(shortFactor);
            longFactor = List.copyOf(longFactor);
            if (shortFactor.size() != longFactor.size()) {
                throw new UnsupportedModelException("rope_scaling.short_factor and long_factor differ in length");
            }
        }

        public double[] invFreq(double theta, int rotaryDim, int seqLen) {
            List<Double> ext = seqLen > originalMaxPositions ? longFactor : shortFactor;
            if (ext.size() != rotaryDim / 2) {
                throw new UnsupportedModelException("rope_scaling long/short_factor has " + ext.size()
                        + " entries; the rotary dimension needs " + rotaryDim / 2);
            }
            double[] f = base(theta, rotaryDim);
            for (int i = 0; i < f.length; i++) f[i] /= ext.get(i);
            return f;
        }

        @Override
        public boolean dependsOnLength() {
            return true;
        }

        /** transformers' default: {@code sqrt(1 + ln(factor) / ln(originalMaxPositions))}, 1 when not extended. */
        static double defaultAttentionFactor(double factor, int originalMaxPositions) {
            return factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(originalMaxPositions));
        }
    }

    private static void requirePositive(double factor) {
        if (!(factor > 0)) throw new UnsupportedModelException("rope_scaling.factor must be a positive number, got " + factor);
    }
}
