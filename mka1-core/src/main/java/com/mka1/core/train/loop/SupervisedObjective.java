package com.mka1.core.train.loop;

import com.mka1.core.model.BatchResult;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.TrainableModel;
import com.mka1.core.train.data.BatchBuilder;
import com.mka1.core.train.data.RowPacker;
import com.mka1.core.train.data.SplitMix64;
import com.mka1.core.train.data.TokenizedExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Next-token cross-entropy on the trainable tokens of chat examples. A step packs its examples
 * into rows (first fit, in order), runs them as micro-batches, and scales every token's gradient
 * by {@code 1 / trained tokens of the step}, so the step follows the mean token loss however the
 * rows are split.
 */
public final class SupervisedObjective implements Objective {
    private final List<TokenizedExample> training;
    private final List<TokenizedExample> validation;
    private final RowPacker packer;
    private final BatchBuilder batches;

    /**
     * @param rowLength      packed row length (max_seq_length)
     * @param rowsPerBatch   rows per forward/backward call
     * @param padId          token id used for padding
     */
    public SupervisedObjective(List<TokenizedExample> training, List<TokenizedExample> validation,
                               int rowLength, int rowsPerBatch, int padId) {
        this.training = List.copyOf(training);
        this.validation = List.copyOf(validation);
        this.packer = new RowPacker(rowLength);
        this.batches = new BatchBuilder(rowsPerBatch, padId);
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
        for (TokenizedExample e : training) tokens += e.length();
        return tokens;
    }

    @Override
    public String fingerprint() {
        int hash = 1;
        for (TokenizedExample e : training) {
            hash = 31 * hash + Arrays.hashCode(e.ids());
            hash = 31 * hash + Arrays.hashCode(e.trainable());
        }
        // Rows per micro-batch stay out: they follow the memory available and only reorder sums.
        return "supervised examples=" + training.size() + " data=" + Integer.toHexString(hash) + " row=" + packer.rowLength();
    }

    @Override
    public void prepare(TrainableModel model, Path stateDir) {
        // Nothing to precompute.
    }

    @Override
    public Result accumulateGradients(TrainableModel model, List<Integer> items, SplitMix64 rng) {
        List<TokenizedExample> examples = new ArrayList<>(items.size());
        for (int i : items) examples.add(training.get(i));
        List<PackedBatch> micro = batches.build(packer.pack(examples));
        long tokens = 0;
        for (PackedBatch b : micro) tokens += b.targetCount();
        float gradScale = tokens == 0 ? 0f : (float) (1.0 / tokens);
        BatchResult total = BatchResult.EMPTY;
        for (PackedBatch b : micro) total = total.plus(model.forwardBackward(b, gradScale, rng.nextLong()));
        return new Result(total.meanLoss(), total.accuracy(), total.tokens());
    }

    @Override
    public Result evaluate(TrainableModel model, int count) {
        BatchResult total = BatchResult.EMPTY;
        for (PackedBatch b : batches.build(packer.pack(validation.subList(0, count)))) total = total.plus(model.evaluate(b));
        return new Result(total.meanLoss(), total.accuracy(), total.tokens());
    }
}
