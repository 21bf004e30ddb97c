package com.mka1.core.model;

import java.util.SplittableRandom;

/**
 * Host-generated inverted-dropout masks (0 or 1/(1-p)), reproducible from (seed, site) so the
 * backward pass regenerates exactly the mask the forward pass used instead of storing it.
 */
final class DropoutMasks {
    private DropoutMasks() {}

    static float[] mask(long seed, int site, int length, double p) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + site);
        float keep = (float) (1 / (1 - p));
        float[] mask = new float[length];
        for (int i = 0; i < length; i++) mask[i] = random.nextDouble() < p ? 0f : keep;
        return mask;
    }
}
