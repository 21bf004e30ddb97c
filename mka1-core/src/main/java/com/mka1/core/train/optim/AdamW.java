package com.mka1.core.train.optim;

import com.mka1.core.model.Parameter;
import com.mka1.spi.AdamWParameter;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW over a list of parameters: owns the first and second moments (zero at the start, on each
 * parameter's device) and applies {@code Kernels.adamw}; weight decay only for parameters whose
 * {@link Parameter#weightDecay()} is true.
 */
public final class AdamW implements AutoCloseable {
    /** Optimizer constants (PyTorch defaults apart from weight decay). */
    public record Config(float beta1, float beta2, float eps, float weightDecay) {
        public static Config defaults() {
            return new Config(0.9f, 0.999f, 1e-8f, 0.01f);
        }
    }

    private final List<Parameter> parameters;
    private final Config config;
    private final List<Tensor> firstMoments = new ArrayList<>();
    private final List<Tensor> secondMoments = new ArrayList<>();
    private List<AdamWParameter> batch;

    public AdamW(List<Parameter> parameters, Config config) {
        this.parameters = List.copyOf(parameters);
        this.config = config;
        for (Parameter p : this.parameters) {
            ComputeDevice device = p.value().device();
            firstMoments.add(device.allocate(DType.F32, p.value().shape()));
            secondMoments.add(device.allocate(DType.F32, p.value().shape()));
        }
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** First moments, one per parameter in order (for saving and restoring state). */
    public List<Tensor> firstMoments() {
        return List.copyOf(firstMoments);
    }

    /** Second moments, one per parameter in order. */
    public List<Tensor> secondMoments() {
        return List.copyOf(secondMoments);
    }

    /** One update with learning rate {@code lr}; {@code step} is 1-based (bias correction). */
    public void step(int step, double lr) {
        if (parameters.isEmpty()) return;
        if (batch == null) batch = batch();
        if (batch.isEmpty()) { // parameters on several devices: one call each
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                float decay = p.weightDecay() ? config.weightDecay() : 0f;
                p.value().device().kernels().adamw(p.value(), p.gradient(), firstMoments.get(i), secondMoments.get(i),
                        p.value().size(), (float) lr, config.beta1(), config.beta2(), config.eps(), decay, step);
            }
            return;
        }
        parameters.getFirst().value().device().kernels().adamw(batch, (float) lr, config.beta1(), config.beta2(), config.eps(), step);
    }

    /** Every parameter as one multi-tensor update (the same list each step, so a backend may cache it), or empty across devices. */
    private List<AdamWParameter> batch() {
        ComputeDevice device = parameters.getFirst().value().device();
        List<AdamWParameter> all = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.value().device() != device) return List.of();
            all.add(new AdamWParameter(p.value(), p.gradient(), firstMoments.get(i), secondMoments.get(i),
                    p.weightDecay() ? config.weightDecay() : 0f));
        }
        return List.copyOf(all);
    }

    @Override
    public void close() {
        for (int i = 0; i < parameters.size(); i++) {
            ComputeDevice device = parameters.get(i).value().device();
            device.free(firstMoments.get(i));
            device.free(secondMoments.get(i));
        }
        firstMoments.clear();
        secondMoments.clear();
        batch = null;
    }
}
