package com.mka1.core.train.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import com.mka1.core.train.Trainer;

class TrainerServiceTest {
    @Test
    void theLlamaTrainerIsTheInstalledTrainerService() {
        assertThat(ServiceLoader.load(Trainer.class).stream().map(ServiceLoader.Provider::type).toList())
                .containsExactly(LlamaTrainer.class);
    }
}
