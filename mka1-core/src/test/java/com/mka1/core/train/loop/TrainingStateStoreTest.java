package com.mka1.core.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.model.Parameter;
import com.mka1.core.train.optim.AdamW;
import com.mka1.core.compute.ReferenceBackend;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingStateStoreTest {
    private final ComputeDevice device = new ReferenceBackend().open(BackendOptions.defaults());
    @TempDir
    Path dir;

    private AdamW optimizer(String name, float[] values) {
        Parameter p = new Parameter(name, device.upload(values, values.length), device.upload(new float[] {0.5f, -1f, 2f}, 3), true);
        return new AdamW(List.of(p), AdamW.Config.defaults());
    }

    @Test
    void roundTripRestoresStateWeightsAndMomentsExactly() throws IOException {
        AdamW saved = optimizer("w", new float[] {1f, Float.MIN_VALUE, -3.25f});
        saved.step(1, 0.1);
        saved.step(2, 0.1);
        LoopState state = new LoopState(2, 0x1234_5678_9ABCL, new int[] {2, 0, 1}, "fp", 0.75, 0.5);
        TrainingStateStore store = new TrainingStateStore(dir);
        assertThat(store.exists()).isFalse();
        store.save(state, saved);
        assertThat(store.exists()).isTrue();
        assertThat(Files.exists(dir.resolve(TrainingStateStore.FILE_NAME + ".tmp"))).isFalse();

        AdamW restored = optimizer("w", new float[3]);
        LoopState loaded = store.load(restored);
        assertThat(loaded.step()).isEqualTo(2);
        assertThat(loaded.rngState()).isEqualTo(0x1234_5678_9ABCL);
        assertThat(loaded.epochOrder()).containsExactly(2, 0, 1);
        assertThat(loaded.fingerprint()).isEqualTo("fp");
        assertThat(loaded.lastLoss()).isEqualTo(0.75);
        assertThat(loaded.lastAccuracy()).isEqualTo(0.5);
        assertThat(device.download(restored.parameters().getFirst().value()))
                .containsExactly(device.download(saved.parameters().getFirst().value()));
        assertThat(device.download(restored.firstMoments().getFirst())).containsExactly(device.download(saved.firstMoments().getFirst()));
        assertThat(device.download(restored.secondMoments().getFirst())).containsExactly(device.download(saved.secondMoments().getFirst()));
    }

    @Test
    void aDifferentParameterIsRefusedByName() throws IOException {
        TrainingStateStore store = new TrainingStateStore(dir);
        store.save(new LoopState(1, 1, new int[0], "fp", 1, 1), optimizer("w", new float[3]));
        assertThatThrownBy(() -> store.load(optimizer("v", new float[3])))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("parameter 0 is w [3], the model has v [3]");
    }

    @Test
    void aDamagedFileIsRefused() throws IOException {
        TrainingStateStore store = new TrainingStateStore(dir);
        store.save(new LoopState(1, 1, new int[0], "fp", 1, 1), optimizer("w", new float[] {1f, 2f, 3f}));
        Path file = dir.resolve(TrainingStateStore.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> store.load(optimizer("w", new float[3]))).hasMessageContaining("checksum mismatch");
        Files.write(file, java.util.Arrays.copyOf(bytes, 30));
        assertThatThrownBy(() -> store.load(optimizer("w", new float[3]))).hasMessageContaining("truncated");
    }
}
