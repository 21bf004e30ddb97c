package com.mka1.core.train.testing;

import com.mka1.core.model.BatchResult;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Parameter;
import com.mka1.core.model.TrainableModel;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small real language model for loop tests: logits of the next token are {@code drop(W[token])
 * + b} (a bigram table and a bias), trained with softmax cross-entropy; {@code drop} is inverted
 * dropout on the table row with probability {@code dropout}, seeded by the batch's dropout seed.
 * Math runs on the host over the device's tensors.
 */
public final class BigramModel implements TrainableModel {
    private final ComputeDevice device;
    private final int vocab;
    private final double dropout;
    private final Parameter table;
    private final Parameter bias;

    public BigramModel(ComputeDevice device, int vocab, long initSeed, double dropout) {
        this.device = device;
        this.vocab = vocab;
        this.dropout = dropout;
        SplittableRandom init = new SplittableRandom(initSeed);
        float[] w = new float[vocab * vocab];
        for (int i = 0; i < w.length; i++) w[i] = (float) init.nextDouble(-0.1, 0.1);
        this.table = new Parameter("table.weight", device.upload(w, vocab, vocab), device.allocate(DType.F32, vocab, vocab), true);
        this.bias = new Parameter("table.bias", device.allocate(DType.F32, vocab), device.allocate(DType.F32, vocab), false);
    }

    @Override
    public List<Parameter> trainableParameters() {
        return List.of(table, bias);
    }

    @Override
    public void zeroGradients() {
        for (Parameter p : trainableParameters()) device.kernels().fill(p.gradient(), 0f, p.gradient().size());
    }

    @Override
    public BatchResult forwardBackward(PackedBatch batch, float gradScale, long dropoutSeed) {
        return run(batch, gradScale, dropout > 0 ? new SplittableRandom(dropoutSeed) : null, true);
    }

    @Override
    public BatchResult evaluate(PackedBatch batch) {
        return run(batch, 0f, null, false);
    }

    /** Writes the weights as raw floats (table, then bias) to {@code dir/weights.bin}. */
    public void export(Path dir) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("weights.bin")))) {
            for (float f : weights()) out.writeFloat(f);
        }
    }

    /** Table then bias, as floats. */
    public float[] weights() {
        float[] w = device.download(table.value());
        float[] b = device.download(bias.value());
        float[] all = new float[w.length + b.length];
        System.arraycopy(w, 0, all, 0, w.length);
        System.arraycopy(b, 0, all, w.length, b.length);
        return all;
    }

    private BatchResult run(PackedBatch batch, float gradScale, SplittableRandom dropoutRng, boolean backward) {
        float[] w = device.download(table.value());
        float[] b = device.download(bias.value());
        float[] dw = backward ? device.download(table.gradient()) : null;
        float[] db = backward ? device.download(bias.gradient()) : null;
        double lossSum = 0;
        long correct = 0;
        long tokens = 0;
        float[] logits = new float[vocab];
        for (int i = 0; i < batch.tokens().length; i++) {
            int target = batch.targets()[i];
            float keep = 1f;
            if (dropoutRng != null) keep = dropoutRng.nextDouble() < dropout ? 0f : (float) (1 / (1 - dropout));
            if (target < 0) continue;
            int row = batch.tokens()[i] * vocab;
            int argmax = 0;
            for (int v = 0; v < vocab; v++) {
                logits[v] = keep * w[row + v] + b[v];
                if (logits[v] > logits[argmax]) argmax = v;
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) sum += Math.exp(logits[v] - logits[argmax]);
            double lse = logits[argmax] + Math.log(sum);
            lossSum += lse - logits[target];
            if (argmax == target) correct++;
            tokens++;
            if (backward) {
                for (int v = 0; v < vocab; v++) {
                    float g = gradScale * (float) (Math.exp(logits[v] - lse) - (v == target ? 1 : 0));
                    dw[row + v] += keep * g;
                    db[v] += g;
                }
            }
        }
        if (backward) {
            device.copyFromHost(dw, 0, table.gradient(), 0, dw.length);
            device.copyFromHost(db, 0, bias.gradient(), 0, db.length);
        }
        return new BatchResult(lossSum, correct, tokens);
    }

    @Override
    public void close() {
        for (Parameter p : trainableParameters()) {
            device.free(p.value());
            device.free(p.gradient());
        }
    }
}
