package com.mka1.core.storage;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {
    @Test
    void prefixUnderscoreAnd32LowercaseHex() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = Ids.newId("ftjob");
            assertThat(id).matches("ftjob_[0-9a-f]{32}");
            assertThat(Ids.isWellFormed(id, "ftjob")).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSize(1000);
        assertThat(Ids.isWellFormed("ftjob_" + "A".repeat(32), "ftjob")).isFalse();
        assertThat(Ids.isWellFormed("file_../../etc/passwd", "file")).isFalse();
        assertThat(Ids.isWellFormed("file_abc", "file")).isFalse();
    }
}
