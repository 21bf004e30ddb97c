package com.mka1.spi;

/**
 * One parameter of a multi-tensor AdamW step ({@link Kernels#adamw(java.util.List, float, float, float, float, int)}):
 * the F32 value, its gradient and moments (all the same size), and its decoupled weight decay
 * (0 for parameters that are not decayed).
 *
 * @param param       the parameter, updated in place
 * @param grad        its gradient
 * @param m           first moment, updated in place
 * @param v           second moment, updated in place
 * @param weightDecay decoupled weight decay for this parameter
 */
public record AdamWParameter(Tensor param, Tensor grad, Tensor m, Tensor v, float weightDecay) {}
