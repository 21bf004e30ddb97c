package com.mka1.core.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.model.PackedBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackingTest {
    private static TokenizedExample example(int line, int firstId, int length, int trainedFrom) {
        int[] ids = new int[length];
        boolean[] trainable = new boolean[length];
        for (int i = 0; i < length; i++) {
            ids[i] = firstId + i;
            trainable[i] = i >= trainedFrom;
        }
        return new TokenizedExample(ids, trainable, line);
    }

    @Test
    void targetsAreTheNextTokenWhereItIsTrainable() {
        TokenizedExample e = example(1, 10, 5, 3); // ids 10..14, tokens 3 and 4 trainable
        assertThat(e.trainedTokens()).isEqualTo(2);
        assertThat(new int[] {e.targetAt(0), e.targetAt(1), e.targetAt(2), e.targetAt(3), e.targetAt(4)})
                .containsExactly(-1, -1, 13, 14, -1);
    }

    @Test
    void firstFitKeepsOrderAndFillsEarlierRowsFirst() {
        TokenizedExample a = example(1, 0, 6, 0);
        TokenizedExample b = example(2, 0, 5, 0);
        TokenizedExample c = example(3, 0, 4, 0);
        TokenizedExample d = example(4, 0, 3, 0);
        // rows of 10: a(6) -> row0; b(5) does not fit row0 -> row1; c(4) -> row0 (6+4); d(3) -> row1 (5+3)
        List<List<TokenizedExample>> rows = new RowPacker(10).pack(List.of(a, b, c, d));
        assertThat(rows).containsExactly(List.of(a, c), List.of(b, d));
    }

    @Test
    void anExampleLongerThanARowIsRefusedWithItsLine() {
        assertThatThrownBy(() -> new RowPacker(4).pack(List.of(example(9, 0, 5, 0))))
                .hasMessageContaining("line 9");
    }

    @Test
    void batchesCarryTokensTargetsPositionsAndSegmentStarts() {
        TokenizedExample a = example(1, 10, 3, 1); // 10 11 12, tokens 1,2 trainable
        TokenizedExample b = example(2, 20, 2, 1); // 20 21, token 1 trainable
        TokenizedExample c = example(3, 30, 4, 2); // 30 31 32 33, tokens 2,3 trainable
        PackedBatch batch = new BatchBuilder(2, 2).batchOf(List.of(List.of(a, b), List.of(c)));
        assertThat(batch.batch()).isEqualTo(2);
        assertThat(batch.seqLen()).isEqualTo(5);
        assertThat(batch.tokens()).containsExactly(10, 11, 12, 20, 21, 30, 31, 32, 33, 2);
        assertThat(batch.targets()).containsExactly(11, 12, -1, 21, -1, -1, 32, 33, -1, -1);
        assertThat(batch.positions()).containsExactly(0, 1, 2, 0, 1, 0, 1, 2, 3, 0);
        assertThat(batch.segStart()).containsExactly(0, 0, 0, 3, 3, 0, 0, 0, 0, 4);
        assertThat(batch.targetCount()).isEqualTo(5);
    }

    @Test
    void rowsAreSplitIntoMicroBatches() {
        List<List<TokenizedExample>> rows = List.of(List.of(example(1, 0, 2, 0)), List.of(example(2, 0, 3, 0)),
                List.of(example(3, 0, 4, 0)));
        List<PackedBatch> batches = new BatchBuilder(2, 0).build(rows);
        assertThat(batches).extracting(PackedBatch::batch).containsExactly(2, 1);
        assertThat(batches).extracting(PackedBatch::seqLen).containsExactly(3, 4);
    }
}
