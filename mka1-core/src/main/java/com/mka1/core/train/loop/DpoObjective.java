package com.mka1.core.train.loop;

import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.TrainableModel;
import com.mka1.core.train.data.BatchBuilder;
import com.mka1.core.train.data.PreferencePair;
import com.mka1.core.train.data.SplitMix64;
import com.mka1.core.train.data.TokenizedExample;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Direct preference optimisation: per pair, {@code loss = -log sigmoid(beta * ((pi_c - ref_c) -
 * (pi_r - ref_r)))} where {@code pi} and {@code ref} are the summed log-probabilities of the reply
 * tokens under the model being trained and under the frozen starting model. The reference
 * log-probabilities are computed once, before the first step (the model is the reference then),
 * and saved in the state directory, so one set of weights suffices for LoRA and full fine-tuning.
 *
 * <p>Each step first measures {@code pi} for its pairs (forward only, without dropout), then runs
 * each conversation's backward with the per-pair weight {@code dL/dCE = +/- beta *
 * sigmoid(-beta * margin) / pairs}. Accuracy is the fraction of pairs whose margin is positive.
 */
public final class DpoObjective implements Objective {
    static final String REFERENCE_FILE = "dpo-reference.bin";

    private final List<PreferencePair> training;
    private final List<PreferencePair> validation;
    private final double beta;
    private final BatchBuilder batches;
    private double[] trainingReference;
    private double[] validationReference;

    public DpoObjective(List<PreferencePair> training, List<PreferencePair> validation, double beta, int padId) {
        this.training = List.copyOf(training);
        this.validation = List.copyOf(validation);
        this.beta = beta;
        this.batches = new BatchBuilder(1, padId);
    }

    @Override
    public int trainingSize() {
        return training.size();
    }

    @Override
    public int validationSize() {
        return validation.size();
    }

    @Override
    public long tokensPerEpoch() {
        long tokens = 0;
        for (PreferencePair p : training) tokens += p.chosen().length() + p.rejected().length();
        return tokens;
    }

    @Override
    public String fingerprint() {
        int hash = 1;
        for (PreferencePair p : training) {
            hash = 31 * hash + Arrays.hashCode(p.chosen().ids());
            hash = 31 * hash + Arrays.hashCode(p.rejected().ids());
        }
        return "dpo pairs=" + training.size() + " data=" + Integer.toHexString(hash) + " beta=" + beta;
    }

    @Override
    public void prepare(TrainableModel model, Path stateDir) throws IOException {
        Path file = stateDir.resolve(REFERENCE_FILE);
        if (Files.isRegularFile(file)) {
            readReference(file);
            return;
        }
        if (Files.exists(stateDir.resolve(TrainingStateStore.FILE_NAME))) {
            throw new IOException("DPO reference log-probabilities missing from " + stateDir + " while a saved state exists");
        }
        trainingReference = new double[training.size() * 2];
        for (int i = 0; i < training.size(); i++) {
            trainingReference[2 * i] = logProb(model, training.get(i).chosen());
            trainingReference[2 * i + 1] = logProb(model, training.get(i).rejected());
        }
        validationReference = new double[validation.size() * 2];
        for (int i = 0; i < validation.size(); i++) {
            validationReference[2 * i] = logProb(model, validation.get(i).chosen());
            validationReference[2 * i + 1] = logProb(model, validation.get(i).rejected());
        }
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
            writeArray(out, trainingReference);
            writeArray(out, validationReference);
            out.flush();
        });
    }

    @Override
    public Result accumulateGradients(TrainableModel model, List<Integer> items, SplitMix64 rng) {
        double lossSum = 0;
        int correct = 0;
        long tokens = 0;
        for (int i : items) {
            PreferencePair pair = training.get(i);
            double margin = margin(model, pair, trainingReference, i);
            lossSum += softplus(-beta * margin);
            if (margin > 0) correct++;
            float weight = (float) (beta * sigmoid(-beta * margin) / items.size());
            tokens += model.forwardBackward(single(pair.chosen()), weight, rng.nextLong()).tokens();
            tokens += model.forwardBackward(single(pair.rejected()), -weight, rng.nextLong()).tokens();
        }
        return new Result(lossSum / items.size(), (double) correct / items.size(), tokens);
    }

    @Override
    public Result evaluate(TrainableModel model, int count) {
        double lossSum = 0;
        int correct = 0;
        long tokens = 0;
        for (int i = 0; i < count; i++) {
            PreferencePair pair = validation.get(i);
            double margin = margin(model, pair, validationReference, i);
            lossSum += softplus(-beta * margin);
            if (margin > 0) correct++;
            tokens += pair.chosen().trainedTokens() + pair.rejected().trainedTokens();
        }
        return new Result(lossSum / count, (double) correct / count, tokens);
    }

    /** The DPO loss of one pair given policy and reference log-probabilities. */
    static double pairLoss(double beta, double policyChosen, double referenceChosen,
                           double policyRejected, double referenceRejected) {
        return softplus(-beta * ((policyChosen - referenceChosen) - (policyRejected - referenceRejected)));
    }

    private double margin(TrainableModel model, PreferencePair pair, double[] reference, int i) {
        return (logProb(model, pair.chosen()) - reference[2 * i]) - (logProb(model, pair.rejected()) - reference[2 * i + 1]);
    }

    private double logProb(TrainableModel model, TokenizedExample example) {
        return -model.evaluate(single(example)).lossSum();
    }

    private PackedBatch single(TokenizedExample example) {
        return batches.batchOf(List.of(List.of(example)));
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** log(1 + e^x) without overflow. */
    private static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private void readReference(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw));
            trainingReference = readArray(in, training.size() * 2, file);
            validationReference = readArray(in, validation.size() * 2, file);
        }
    }

    private static void writeArray(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) out.writeDouble(v);
    }

    private static double[] readArray(DataInputStream in, int expected, Path file) throws IOException {
        int n = in.readInt();
        if (n != expected) throw new IOException(file + " holds " + n + " reference values, expected " + expected);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = in.readDouble();
        return values;
    }
}
