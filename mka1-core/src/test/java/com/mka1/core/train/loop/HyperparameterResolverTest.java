package com.mka1.core.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.train.optim.LearningRateSchedule.Decay;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import com.mka1.core.train.TrainingSettings;
import com.mka1.core.train.TrainingFailedException;

class HyperparameterResolverTest {
    @Test
    void autoEpochsGiveSmallSetsMorePassesAndLargeSetsFewer() {
        assertThat(HyperparameterResolver.autoEpochs(1)).isEqualTo(25);
        assertThat(HyperparameterResolver.autoEpochs(10)).isEqualTo(10);
        assertThat(HyperparameterResolver.autoEpochs(33)).isEqualTo(3);
        assertThat(HyperparameterResolver.autoEpochs(20)).isEqualTo(5);
        assertThat(HyperparameterResolver.autoEpochs(8000)).isEqualTo(3);
        assertThat(HyperparameterResolver.autoEpochs(10_000)).isEqualTo(2);
        assertThat(HyperparameterResolver.autoEpochs(100_000)).isEqualTo(1);
    }

    @Test
    void autoBatchSizeIsAboutTwoPerMilleClamped() {
        assertThat(HyperparameterResolver.autoBatchSize(10)).isEqualTo(1);
        assertThat(HyperparameterResolver.autoBatchSize(5000)).isEqualTo(10);
        assertThat(HyperparameterResolver.autoBatchSize(1_000_000)).isEqualTo(256);
    }

    @Test
    void allAutoForLora() throws TrainingFailedException {
        ResolvedHyperparameters hp = HyperparameterResolver.resolve(TrainingSettings.auto(), 50, 512, 7, null);
        assertThat(hp).isEqualTo(new ResolvedHyperparameters(3, 1, 1.0, 2e-4, 0.1, 0.1, Decay.LINEAR, 512, 1.0,
                new TrainableWeights.Lora(new LoraSpec(8, 16, 0.05, EnumSet.allOf(Projection.class), 7))));
        assertThat(hp.learningRate()).isEqualTo(2e-4);
    }

    @Test
    void explicitValuesAreKeptAndFullFineTuningUsesTheLowerBaseRate() throws TrainingFailedException {
        TrainingSettings s = new TrainingSettings(4, 300 - 290, 0.5, 0.2, true, null, null, null, null, 0.0, "cosine", 128, null);
        ResolvedHyperparameters hp = HyperparameterResolver.resolve(s, 40, 4096, 7, null);
        assertThat(hp).isEqualTo(new ResolvedHyperparameters(4, 10, 0.5, 2e-5, 0.2, 0.0, Decay.COSINE, 128, 1.0,
                new TrainableWeights.Full()));
        assertThat(hp.learningRate()).isEqualTo(1e-5);
    }

    @Test
    void batchSizeNeverExceedsTheExampleCount() throws TrainingFailedException {
        TrainingSettings s = new TrainingSettings(null, 64, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(HyperparameterResolver.resolve(s, 12, 512, 7, null).batchSize()).isEqualTo(12);
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheField() {
        TrainingSettings epochs = new TrainingSettings(51, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> HyperparameterResolver.resolve(epochs, 20, 512, 7, null))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_hyperparameters");
                    assertThat(e.param()).isEqualTo("hyperparameters.n_epochs");
                    assertThat(e.getMessage()).isEqualTo("n_epochs must be between 1 and 50, got 51");
                });
        TrainingSettings seq = new TrainingSettings(null, null, null, null, null, null, null, null, null, null, null, 1024, null);
        assertThatThrownBy(() -> HyperparameterResolver.resolve(seq, 20, 512, 7, null))
                .hasMessage("max_seq_length must be between 2 and 512, got 1024");
        TrainingSettings sched = new TrainingSettings(null, null, null, null, null, null, null, null, null, null, "step", null, null);
        assertThatThrownBy(() -> HyperparameterResolver.resolve(sched, 20, 512, 7, null))
                .hasMessage("lr_scheduler must be \"linear\" or \"cosine\", got \"step\"");
        TrainingSettings lr = new TrainingSettings(null, null, 0.0, null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> HyperparameterResolver.resolve(lr, 20, 512, 7, null))
                .hasMessage("learning_rate_multiplier must be > 0.0 and <= 10.0, got 0.0");
    }

    @Test
    void loraSettingsResolveOnceWithTheRunAndAContinuedAdapterKeepsItsShape() throws TrainingFailedException {
        TrainingSettings lora = new TrainingSettings(null, null, null, null, null, 4, 8.0, 0.1, List.of("q", "v_proj"), null, null,
                null, null);
        assertThat(HyperparameterResolver.resolve(lora, 20, 512, 99, null).weights())
                .isEqualTo(new TrainableWeights.Lora(new LoraSpec(4, 8, 0.1, EnumSet.of(Projection.Q, Projection.V), 99)));
        LoraSpec saved = new LoraSpec(16, 32, 0.0, EnumSet.of(Projection.O), 0);
        ResolvedHyperparameters continued = HyperparameterResolver.resolve(lora, 20, 512, 99, saved);
        assertThat(continued.weights())
                .isEqualTo(new TrainableWeights.Lora(new LoraSpec(16, 32, 0.1, EnumSet.of(Projection.O), 99)));
        assertThat(continued.baseLearningRate()).isEqualTo(2e-4);
        TrainingSettings rank = new TrainingSettings(null, null, null, null, null, 0, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> HyperparameterResolver.resolve(rank, 20, 512, 1, null))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                    assertThat(e.param()).isEqualTo("hyperparameters.lora_rank");
                    assertThat(e.getMessage()).isEqualTo("lora_rank must be between 1 and 1024, got 0");
                });
        assertThat(HyperparameterResolver.maxSeqLength(TrainingSettings.auto(), 4096)).isEqualTo(2048);
        assertThat(HyperparameterResolver.maxSeqLength(TrainingSettings.auto(), 512)).isEqualTo(512);
    }

    /** LoRA trains the template's end-of-turn rows unless told otherwise; ids are checked against the vocabulary. */
    @Test
    void trainableTokensDefaultToTheEndOfTurnIds() throws TrainingFailedException {
        LoraSpec spec = new LoraSpec(8, 16, 0, EnumSet.of(Projection.Q), 7);
        TrainableWeights lora = new TrainableWeights.Lora(spec);
        TrainingSettings auto = TrainingSettings.auto();
        assertThat(HyperparameterResolver.withTrainableTokens(lora, auto, new int[] {2, 5, 2}, null, 512))
                .isEqualTo(new TrainableWeights.Lora(spec.withTrainableTokens(List.of(2, 5))));
        assertThat(HyperparameterResolver.withTrainableTokens(lora, tokens(List.of()), new int[] {2}, null, 512)).isEqualTo(lora);
        assertThat(HyperparameterResolver.withTrainableTokens(lora, tokens(List.of(9, 3)), new int[] {2}, null, 512))
                .isEqualTo(new TrainableWeights.Lora(spec.withTrainableTokens(List.of(9, 3))));
        // continuing an adapter keeps its rows; full fine-tuning already trains every row
        LoraSpec continued = spec.withTrainableTokens(List.of(4));
        assertThat(HyperparameterResolver.withTrainableTokens(lora, auto, new int[] {2}, continued, 512))
                .isEqualTo(new TrainableWeights.Lora(spec.withTrainableTokens(List.of(4))));
        assertThat(HyperparameterResolver.withTrainableTokens(new TrainableWeights.Full(), auto, new int[] {2}, null, 512))
                .isEqualTo(new TrainableWeights.Full());

        assertThatThrownBy(() -> HyperparameterResolver.withTrainableTokens(lora, tokens(List.of(512)), new int[0], null, 512))
                .isInstanceOf(TrainingFailedException.class).hasMessage("token id 512 is outside the vocabulary (0..511)")
                .extracting(e -> ((TrainingFailedException) e).param()).isEqualTo("hyperparameters.trainable_token_indices");
        assertThatThrownBy(() -> HyperparameterResolver.withTrainableTokens(lora, tokens(List.of(5)), new int[0], continued, 512))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("cannot change them (got [5])");
    }

    private static TrainingSettings tokens(List<Integer> ids) {
        return new TrainingSettings(null, null, null, null, null, null, null, null, null, null, null, null, null, ids);
    }
}
