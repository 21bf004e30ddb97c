package com.mka1.core.model;

import com.mka1.spi.Bf16;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * PEFT's trainable tokens ({@code trainable_token_indices} with LoRA): the embedding rows of a few
 * token ids train while the embedding stays frozen. As in PEFT's {@code TrainableTokensLayer} the
 * trained values replace the base rows (they start as copies of them); with tied embeddings the
 * same rows serve as the output head's rows for those ids.
 *
 * <p>On the device this is an additive correction, so the frozen (possibly BF16) table is never
 * rewritten: slot 0 of every {@code [k+1, hidden]} tensor is a zero row that every other token maps
 * to, so one embedding gather of {@code rows - original} by slot adds the change at the positions
 * of trained ids, and a fixed one-hot {@code [vocab, k+1]} selection puts {@code x (rows -
 * original)^T} into those ids' logits, two small matmuls beside the head's own.
 */
final class TrainableTokens {
    private final ComputeDevice device;
    private final Kernels k;
    private final int hidden;
    private final int[] ids;
    private final int[] slotOf; // token id -> slot (0: not trained)
    private final boolean tied;
    private final List<Tensor> owned = new ArrayList<>();
    private final Tensor values, gradient, original, delta, select;
    private Tensor slots, headHidden, headGrad;
    private int slotCapacity, headCapacity;

    /** Rows of {@code ids} copied from {@code embed} ({@code [vocab, hidden]}, F32 or BF16). */
    TrainableTokens(ComputeDevice device, Tensor embed, List<Integer> tokenIds, int vocab, int hidden, boolean tied) {
        this.device = device;
        this.k = device.kernels();
        this.hidden = hidden;
        this.tied = tied;
        this.ids = tokenIds.stream().mapToInt(Integer::intValue).toArray();
        this.slotOf = new int[vocab];
        int slotCount = ids.length + 1;
        float[] rows = new float[slotCount * hidden];
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] >= vocab) throw new UnsupportedModelException("trainable token id " + ids[j] + " is outside the vocabulary (" + vocab + ")");
            slotOf[ids[j]] = j + 1;
            device.copyToHost(embed, (long) ids[j] * hidden, rows, (j + 1) * hidden, hidden);
        }
        values = own(device.upload(rows, slotCount, hidden));
        original = own(device.upload(rows, slotCount, hidden));
        delta = own(device.allocate(DType.F32, slotCount, hidden));
        gradient = own(device.allocate(DType.F32, slotCount, hidden));
        if (tied) {
            float[] onehot = new float[vocab * slotCount];
            for (int j = 0; j < ids.length; j++) onehot[ids[j] * slotCount + j + 1] = 1;
            select = own(device.upload(onehot, vocab, slotCount));
        } else {
            select = null;
        }
    }

    private Tensor own(Tensor t) {
        owned.add(t);
        return t;
    }

    /** The trained token ids, in slot order. */
    int[] ids() {
        return ids.clone();
    }

    /** The trained rows {@code [k, hidden]} (a view) with their gradient, under {@code name}. */
    Parameter parameter(String name) {
        return new Parameter(name, device.view(values, hidden, ids.length, hidden),
                device.view(gradient, hidden, ids.length, hidden), true);
    }

    /** The trained rows on the host, {@code [k, hidden]} row-major. */
    float[] download() {
        float[] all = device.download(values);
        float[] out = new float[ids.length * hidden];
        System.arraycopy(all, hidden, out, 0, out.length);
        return out;
    }

    /** Sets the trained rows from {@code [k, hidden]} values (a saved adapter). */
    void upload(float[] rows) {
        if (rows.length != ids.length * hidden) throw new IllegalArgumentException("expected " + ids.length * hidden + " values, got " + rows.length);
        device.copyFromHost(rows, 0, values, hidden, rows.length);
    }

    /** Adds the trained rows' change to {@code out [n, hidden]}, the base embedding of {@code tokens}; {@code scratch} is {@code [n, hidden]}. */
    void embedForward(Tensor out, Tensor scratch, int[] tokens, int n) {
        // the rows changed since the last pass (an optimizer step or a loaded adapter)
        device.copy(values, 0, delta, 0, delta.size());
        k.axpy(delta, -1, original, delta.size());
        if (slotCapacity < n) {
            if (slots != null) device.free(slots);
            slots = device.allocate(DType.I32, n);
            slotCapacity = n;
        }
        int[] bySlot = new int[n];
        for (int i = 0; i < n; i++) bySlot[i] = slotOf[tokens[i]];
        device.copyFromHost(bySlot, 0, slots, 0, n);
        k.embeddingForward(scratch, delta, slots, n, hidden);
        k.add(out, out, scratch, (long) n * hidden);
    }

    /** Accumulates the rows' gradient from {@code dout}, the loss gradient at the embedding output of the last {@link #embedForward}. */
    void embedBackward(Tensor dout, int n) {
        k.embeddingBackward(gradient, dout, slots, n, hidden);
        k.fill(gradient, 0, hidden); // slot 0 gathered every other token
    }

    /** With tied embeddings, adds the trained rows' change to the logits {@code [rows, vocab]} of {@code x [rows, hidden]}. */
    void headForward(Tensor logits, Tensor x, int rows, int vocab) {
        if (!tied) return;
        ensureHead(rows);
        int slotCount = ids.length + 1;
        k.matmul(headHidden, x, delta, rows, slotCount, hidden, false, true, 1, false);
        k.matmul(logits, headHidden, select, rows, vocab, slotCount, false, true, 1, true);
    }

    /** With tied embeddings, the backward of {@link #headForward}: the rows' gradient and {@code dx += dy[:, ids] (rows - original)}. */
    void headBackward(Tensor dx, Tensor dy, Tensor x, int rows, int vocab) {
        if (!tied) return;
        ensureHead(rows);
        int slotCount = ids.length + 1;
        k.matmul(headGrad, dy, select, rows, slotCount, vocab, false, false, 1, false);
        k.matmul(gradient, headGrad, x, slotCount, hidden, rows, true, false, 1, true);
        k.matmul(dx, headGrad, delta, rows, hidden, slotCount, false, false, 1, true);
    }

    private void ensureHead(int rows) {
        if (headCapacity >= rows) return;
        if (headHidden != null) {
            device.free(headHidden);
            device.free(headGrad);
        }
        headHidden = device.allocate(DType.F32, rows, ids.length + 1);
        headGrad = device.allocate(DType.F32, rows, ids.length + 1);
        headCapacity = rows;
    }

    /**
     * Writes the trained rows into {@code embed} (PEFT's merge: the rows replace the base rows) and
     * makes them the new originals, so the model computes the same function with no change left.
     */
    void mergeInto(Tensor embed) {
        float[] rows = device.download(values);
        boolean bf16 = embed.dtype() == DType.BF16;
        for (int j = 0; j < ids.length; j++) {
            if (bf16) {
                short[] bits = new short[hidden];
                for (int c = 0; c < hidden; c++) bits[c] = Bf16.fromFloat(rows[(j + 1) * hidden + c]);
                device.copyFromHostBf16(bits, 0, embed, (long) ids[j] * hidden, hidden);
            } else {
                device.copyFromHost(rows, (j + 1) * hidden, embed, (long) ids[j] * hidden, hidden);
            }
        }
        if (bf16) {
            // the rows as the table now holds them, so the remaining change is exactly zero
            for (int j = 0; j < ids.length; j++) {
                for (int c = 0; c < hidden; c++) {
                    int at = (j + 1) * hidden + c;
                    rows[at] = Bf16.toFloat(Bf16.fromFloat(rows[at]));
                }
            }
            device.copyFromHost(rows, 0, values, 0, rows.length);
        }
        device.copyFromHost(rows, 0, original, 0, rows.length);
    }

    /** Bytes held here. */
    long bytes() {
        long total = 0;
        for (Tensor t : owned) total += t.size() * t.dtype().bytes();
        return total;
    }

    void free() {
        owned.forEach(device::free);
        owned.clear();
        if (slots != null) device.free(slots);
        if (headHidden != null) {
            device.free(headHidden);
            device.free(headGrad);
        }
    }
}
