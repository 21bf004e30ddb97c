package com.mka1.core.train.loop;

import com.mka1.core.train.optim.AdamW;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.List;

/**
 * Resumable state is saved as float32, the precision the SPI copies in. A device whose F32 tensors
 * keep more precision than that (the double-precision reference backend) would make a resumed run
 * drift from an uninterrupted one, so on such a device the loop rounds weights and moments to
 * float32 after every step; on float32 devices this is never needed and costs nothing.
 */
final class Float32Rounding {
    private static final int CHUNK = 1 << 18;

    private Float32Rounding() {}

    /**
     * Whether {@code device} keeps more than float32 precision: computes {@code 3 * (1/3) - 1},
     * which is exactly 0 in float32 arithmetic and about 3e-8 with wider storage.
     */
    static boolean needed(ComputeDevice device) {
        Tensor x = device.upload(new float[] {3f}, 1);
        Tensor one = device.upload(new float[] {1f}, 1);
        try {
            Kernels k = device.kernels();
            k.scale(x, 1f / 3f, 1);
            k.axpy(x, -1f, one, 1);
            return device.download(x)[0] != 0f;
        } finally {
            device.free(x);
            device.free(one);
        }
    }

    /** Rounds every parameter value and both moments to float32 in place. */
    static void apply(AdamW optimizer) {
        for (int i = 0; i < optimizer.parameters().size(); i++) {
            round(optimizer.parameters().get(i).value());
            round(optimizer.firstMoments().get(i));
            round(optimizer.secondMoments().get(i));
        }
    }

    private static void round(Tensor t) {
        if (t.dtype() != DType.F32) return;
        ComputeDevice device = t.device();
        float[] chunk = new float[(int) Math.min(CHUNK, t.size())];
        for (long at = 0; at < t.size(); at += chunk.length) {
            int len = (int) Math.min(chunk.length, t.size() - at);
            device.copyToHost(t, at, chunk, 0, len);
            device.copyFromHost(chunk, 0, t, at, len);
        }
    }

    /** The devices holding these tensors' values (normally one). */
    static List<ComputeDevice> devices(AdamW optimizer) {
        return optimizer.parameters().stream().map(p -> p.value().device()).distinct().toList();
    }
}
