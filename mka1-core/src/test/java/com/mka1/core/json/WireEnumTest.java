package com.mka1.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.SortOrder;
import com.mka1.api.WireEnum;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileStatus;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.JobStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WireEnumTest {
    @Test
    void wireNamesAreTheOnesOnTheWire() {
        assertThat(wireNames(JobStatus.values())).containsExactly(
                "validating_files", "queued", "running", "pausing", "paused", "succeeded", "failed", "cancelled");
        assertThat(wireNames(FilePurpose.values())).containsExactly(
                "fine-tune", "fine-tune-results", "assistants", "batch", "user_data", "evals", "vision");
        assertThat(wireNames(SortOrder.values())).containsExactly("asc", "desc");
        assertThat(wireNames(FileStatus.values())).containsExactly("uploaded", "processed", "error");
        assertThat(wireNames(EventLevel.values())).containsExactly("info", "warn", "error");
        assertThat(wireNames(EventType.values())).containsExactly("message", "metrics");
    }

    @Test
    void fromWireReadsEveryWireNameBack() {
        for (JobStatus s : JobStatus.values()) assertThat(JobStatus.fromWire(s.wireName())).isSameAs(s);
        for (FilePurpose p : FilePurpose.values()) assertThat(FilePurpose.fromWire(p.wireName())).isSameAs(p);
        assertThat(EventLevel.fromWire("warning")).isSameAs(EventLevel.WARN);
        assertThat(WireEnum.lookup(EventType.values(), "METRICS")).isEmpty();
    }

    @Test
    void unknownNamesNameTheField() {
        assertThatThrownBy(() -> SortOrder.fromWire("up")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid 'order': expected 'asc' or 'desc', got 'up'");
        assertThatThrownBy(() -> FilePurpose.fromWire("fine_tune")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("Invalid 'purpose': 'fine_tune'");
        assertThatThrownBy(() -> JobStatus.fromWire("done")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown job status 'done'");
    }

    private static String[] wireNames(WireEnum[] values) {
        return Arrays.stream(values).map(WireEnum::wireName).toArray(String[]::new);
    }
}
