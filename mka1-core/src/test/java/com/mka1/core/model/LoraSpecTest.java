package com.mka1.core.model;

import java.util.Set;
import org.junit.jupiter.api.Test;

import static com.mka1.core.model.Projection.DOWN;
import static com.mka1.core.model.Projection.K;
import static com.mka1.core.model.Projection.O;
import static com.mka1.core.model.Projection.Q;
import static com.mka1.core.model.Projection.V;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoraSpecTest {
    /**
     * A run's fingerprint prints its LoRA settings, and a server resuming another server's job
     * compares it with the saved state's: the targets must print the same in every JVM
     * ({@code Set.copyOf} iterates in an order salted per JVM; the three-process scale-out test
     * failed resumed jobs on it).
     */
    @Test
    void targetsIterateInDeclarationOrderWhateverOrderTheyCameIn() {
        LoraSpec spec = new LoraSpec(4, 8, 0.05, Set.of(DOWN, V, Q, K), 7);
        assertThat(spec.targets()).containsExactly(Q, K, V, DOWN);
        assertThat(spec).hasToString("LoraSpec[rank=4, alpha=8.0, dropout=0.05, targets=[Q, K, V, DOWN], initSeed=7, trainableTokens=[]]");
        assertThat(spec).isEqualTo(new LoraSpec(4, 8, 0.05, Set.of(K, Q, DOWN, V), 7));
        assertThatThrownBy(() -> spec.targets().add(O)).isInstanceOf(UnsupportedOperationException.class);
    }
}
