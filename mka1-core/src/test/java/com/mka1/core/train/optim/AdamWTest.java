package com.mka1.core.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.mka1.core.model.Parameter;
import com.mka1.core.compute.ReferenceBackend;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {
    private final ComputeDevice device = new ReferenceBackend().open(BackendOptions.defaults());

    private Parameter parameter(String name, float[] value, float[] grad, boolean decay) {
        return new Parameter(name, device.upload(value, value.length), device.upload(grad, grad.length), decay);
    }

    /** PyTorch's AdamW in double, for one scalar over several steps with a constant gradient. */
    private static double reference(double p, double g, double lr, double wd, int steps) {
        double m = 0, v = 0;
        for (int t = 1; t <= steps; t++) {
            p *= 1 - lr * wd;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            p -= lr * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
        }
        return p;
    }

    @Test
    void decaysOnlyParametersThatAskForItAndMatchesPyTorchAdamW() {
        Parameter decayed = parameter("w", new float[] {1.0f, -2.0f}, new float[] {0.5f, -0.25f}, true);
        Parameter plain = parameter("b", new float[] {1.0f}, new float[] {0.5f}, false);
        try (AdamW adamw = new AdamW(List.of(decayed, plain), new AdamW.Config(0.9f, 0.999f, 1e-8f, 0.1f))) {
            for (int step = 1; step <= 3; step++) adamw.step(step, 0.01);
            float[] w = device.download(decayed.value());
            float[] b = device.download(plain.value());
            assertThat((double) w[0]).isCloseTo(reference(1.0, 0.5, 0.01, 0.1, 3), within(1e-6));
            assertThat((double) w[1]).isCloseTo(reference(-2.0, -0.25, 0.01, 0.1, 3), within(1e-6));
            assertThat((double) b[0]).isCloseTo(reference(1.0, 0.5, 0.01, 0.0, 3), within(1e-6));
            assertThat(b[0]).isNotEqualTo(w[0]);
            // first moment after 3 steps of g = 0.5: 0.5 * (1 - 0.9^3)
            assertThat((double) device.download(adamw.firstMoments().get(1))[0]).isCloseTo(0.5 * (1 - Math.pow(0.9, 3)), within(1e-7));
        }
    }

    @Test
    void clippingScalesAllGradientsByTheGlobalNorm() {
        Parameter a = parameter("a", new float[2], new float[] {3f, 4f}, true);
        Parameter b = parameter("b", new float[1], new float[] {12f}, false);
        double norm = GradientClipping.clip(List.of(a, b), 1.0);
        assertThat(norm).isEqualTo(13.0);
        float factor = (float) (1.0 / (13.0 + 1e-6));
        assertThat(device.download(a.gradient())).containsExactly(3f * factor, 4f * factor);
        assertThat(device.download(b.gradient())).containsExactly(12f * factor);
        assertThat(GradientClipping.globalNorm(List.of(a, b))).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void gradientsBelowTheLimitAreLeftAlone() {
        Parameter a = parameter("a", new float[2], new float[] {0.3f, 0.4f}, true);
        assertThat(GradientClipping.clip(List.of(a), 1.0)).isCloseTo(0.5, within(1e-7));
        assertThat(device.download(a.gradient())).containsExactly(0.3f, 0.4f);
    }
}
