package com.mka1.core.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64Test {
    @Test
    void matchesTheJdkSplittableRandomSequence() {
        SplitMix64 ours = new SplitMix64(42);
        SplittableRandom jdk = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) assertThat(ours.nextLong()).isEqualTo(jdk.nextLong());
    }

    @Test
    void restoredStateContinuesTheSameSequence() {
        SplitMix64 a = new SplitMix64(7);
        for (int i = 0; i < 13; i++) a.nextLong();
        SplitMix64 b = new SplitMix64(a.state());
        for (int i = 0; i < 100; i++) assertThat(b.nextLong()).isEqualTo(a.nextLong());
    }

    @Test
    void nextIntStaysInBoundAndHitsEveryValue() {
        SplitMix64 r = new SplitMix64(1);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[r.nextInt(7)]++;
        for (int c : counts) assertThat(c).isBetween(850, 1150);
    }

    @Test
    void permutationIsAPermutationAndDependsOnTheSeed() {
        int[] p = new SplitMix64(3).permutation(50);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        int[] identity = new int[50];
        Arrays.setAll(identity, i -> i);
        assertThat(sorted).isEqualTo(identity);
        assertThat(p).isNotEqualTo(identity);
        assertThat(new SplitMix64(3).permutation(50)).isEqualTo(p);
        assertThat(new SplitMix64(4).permutation(50)).isNotEqualTo(p);
    }
}
