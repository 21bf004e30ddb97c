package com.mka1.core.model;

/** How a config's {@code rope_scaling} changes the rotary inverse frequencies. */
public sealed interface RopeScaling {
    /** Applies the scaling to HF's unscaled inverse frequencies (in place) and returns them. */
    double[] apply(double[] invFreq);

    /** No scaling. */
    record None() implements RopeScaling {
        public double[] apply(double[] invFreq) {
            return invFreq;
        }
    }

    /** Position interpolation: every frequency divided by {@code factor}. */
    record Linear(double factor) implements RopeScaling {
        public Linear {
            requirePositive(factor);
        }

        public double[] apply(double[] invFreq) {
            for (int i = 0; i < invFreq.length; i++) invFreq[i] /= factor;
            return invFreq;
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

        public double[] apply(double[] invFreq) {
            double lowWavelen = originalMaxPositions / lowFreqFactor, highWavelen = originalMaxPositions / highFreqFactor;
            for (int i = 0; i < invFreq.length; i++) {
                double wavelen = 2 * Math.PI / invFreq[i];
                if (wavelen > lowWavelen) {
                    invFreq[i] /= factor;
                } else if (wavelen >= highWavelen) {
                    double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    invFreq[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
                }
            }
            return invFreq;
        }
    }

    private static void requirePositive(double factor) {
        if (!(factor > 0)) throw new UnsupportedModelException("rope_scaling.factor must be a positive number, got " + factor);
    }
}
