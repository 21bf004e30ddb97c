package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.api.finetuning.Method;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each create-request rule refuses with its own message, field and code, and creates nothing. */
class JobRequestValidationTest {
    @TempDir
    Path root;

    private EmbeddedMka1 mka1;
    private String file;

    @BeforeEach
    void open() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100));
        file = upload(mka1, Caller.NONE, chatLines(4)).id();
    }

    @AfterEach
    void close() {
        mka1.close();
    }

    private void assertRejected(JobCreateParams p, String param, String code, String message) {
        assertRejected(Caller.NONE, p, param, code, message);
    }

    private void assertRejected(Caller caller, JobCreateParams p, String param, String code, String message) {
        assertThatThrownBy(() -> mka1.fineTuning(caller).create(p)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.code()).isEqualTo(code);
        });
        assertThat(mka1.fineTuning().list(JobListParams.ALL).data()).isEmpty();
    }

    private JobCreateParams withHyper(Hyperparameters h) {
        return JobCreateParams.of(MODEL, file).withMethod(new Method.Supervised(h));
    }

    @Test
    void modelAndFiles() {
        assertRejected(JobCreateParams.of("meetkai:nope", file), "model", "model_not_found", "Model 'meetkai:nope' not found.");
        assertRejected(JobCreateParams.of(MODEL, "file_missing"), "training_file", "file_not_found",
                "File 'file_missing' not found (training_file).");
        assertRejected(JobCreateParams.of(MODEL, file).withValidationFile("file_gone"), "validation_file", "file_not_found",
                "File 'file_gone' not found (validation_file).");
        String batch = mka1.files().create(new FileUpload("b.jsonl", FilePurpose.BATCH, new ByteArrayInputStream(new byte[]{'x'}))).id();
        assertRejected(JobCreateParams.of(MODEL, batch), "training_file", "invalid_training_file",
                "File '" + batch + "' has purpose 'batch'; training_file needs purpose 'fine-tune'.");
        assertRejected(JobCreateParams.of(MODEL, file).withValidationFile(batch), "validation_file", "invalid_validation_file",
                "File '" + batch + "' has purpose 'batch'; validation_file needs purpose 'fine-tune'.");
        String someoneElses = upload(mka1, Caller.onBehalfOf("alice"), chatLines(4)).id();
        assertRejected(Caller.onBehalfOf("bob"), JobCreateParams.of(MODEL, someoneElses), "training_file", "file_not_found",
                "File '" + someoneElses + "' not found (training_file).");
    }

    @Test
    void suffixAndSeed() {
        String detail = "' (1 to 64 characters of a-z, A-Z, 0-9, '_' and '-').";
        assertRejected(JobCreateParams.of(MODEL, file).withSuffix("has space"), "suffix", "invalid_value", "Invalid 'suffix': 'has space" + detail);
        assertRejected(JobCreateParams.of(MODEL, file).withSuffix(""), "suffix", "invalid_value", "Invalid 'suffix': '" + detail);
        assertRejected(JobCreateParams.of(MODEL, file).withSuffix("a:b"), "suffix", "invalid_value", "Invalid 'suffix': 'a:b" + detail);
        assertRejected(JobCreateParams.of(MODEL, file).withSuffix("x".repeat(65)), "suffix", "invalid_value",
                "Invalid 'suffix': '" + "x".repeat(65) + detail);
        assertThat(mka1.fineTuning().create(JobCreateParams.of(MODEL, file).withSuffix("A-z_09".repeat(10) + "abcd")).userProvidedSuffix())
                .hasSize(64);
        mka1.fineTuning().cancel(mka1.fineTuning().list(JobListParams.ALL).data().getFirst().id());
    }

    @Test
    void seedRange() {
        assertRejected(JobCreateParams.of(MODEL, file).withSeed(-1L), "seed", "invalid_value",
                "Invalid 'seed': -1 (must be between 0 and 2147483647).");
    }

    @Test
    void hyperparameterRanges() {
        String p = "method.supervised.hyperparameters.";
        Hyperparameters auto = Hyperparameters.auto();
        assertRejected(withHyper(auto.withNEpochs(HyperparameterValue.of(0))), p + "n_epochs", "invalid_hyperparameters",
                "Invalid 'n_epochs': 0 (must be \"auto\" or an integer between 1 and 50).");
        assertRejected(withHyper(auto.withNEpochs(HyperparameterValue.of(51))), p + "n_epochs", "invalid_hyperparameters",
                "Invalid 'n_epochs': 51 (must be \"auto\" or an integer between 1 and 50).");
        assertRejected(withHyper(auto.withBatchSize(HyperparameterValue.of(257))), p + "batch_size", "invalid_hyperparameters",
                "Invalid 'batch_size': 257 (must be \"auto\" or an integer between 1 and 256).");
        assertRejected(withHyper(auto.withLearningRateMultiplier(HyperparameterValue.of(0.0))), p + "learning_rate_multiplier",
                "invalid_hyperparameters", "Invalid 'learning_rate_multiplier': 0.0 (must be \"auto\" or a number > 0 and <= 10).");
        assertRejected(withHyper(auto.withLearningRateMultiplier(HyperparameterValue.of(10.5))), p + "learning_rate_multiplier",
                "invalid_hyperparameters", "Invalid 'learning_rate_multiplier': 10.5 (must be \"auto\" or a number > 0 and <= 10).");
        assertRejected(JobCreateParams.of(MODEL, file).withMethod(new Method.Dpo(Hyperparameters.autoDpo().withBeta(HyperparameterValue.of(2.5)))),
                "method.dpo.hyperparameters.beta", "invalid_hyperparameters", "Invalid 'beta': 2.5 (must be \"auto\" or a number > 0 and <= 2).");
        EngineSettings d = EngineSettings.DEFAULTS;
        assertRejected(withHyper(auto.withEngine(new EngineSettings(0, null, null, null, null, null, null, null, null))),
                p + "lora_rank", "invalid_hyperparameters", "Invalid 'lora_rank': 0 (must be an integer between 1 and 1024).");
        assertRejected(withHyper(auto.withEngine(new EngineSettings(null, -1.0, null, null, null, null, null, null, null))),
                p + "lora_alpha", "invalid_hyperparameters", "Invalid 'lora_alpha': -1.0 (must be > 0).");
        assertRejected(withHyper(auto.withEngine(new EngineSettings(null, null, 1.0, null, null, null, null, null, null))),
                p + "lora_dropout", "invalid_hyperparameters", "Invalid 'lora_dropout': 1.0 (must be >= 0 and < 1).");
        assertRejected(withHyper(auto.withEngine(new EngineSettings(null, null, null, List.of("q", "mlp"), null, null, null, null, null))),
                p + "lora_target_modules", "invalid_hyperparameters",
                "Invalid 'lora_target_modules': 'mlp' (expected q, k, v, o, gate, up, down or their *_proj names).");
        assertRejected(withHyper(auto.withEngine(new EngineSettings(null, null, null, null, null, -0.1, null, null, null))),
                p + "warmup_ratio", "invalid_hyperparameters", "Invalid 'warmup_ratio': -0.1 (must be >= 0 and < 1).");
        assertRejected(withHyper(auto.withEngine(new EngineSettings(null, null, null, null, null, null, "step", null, null))),
                p + "lr_scheduler", "invalid_hyperparameters", "Invalid 'lr_scheduler': 'step' (expected 'linear' or 'cosine').");
        assertRejected(withHyper(auto.withEngine(new EngineSettings(null, null, null, null, null, null, null, 8, null))),
                p + "max_seq_length", "invalid_hyperparameters", "Invalid 'max_seq_length': 8 (must be an integer between 16 and 131072).");
        assertRejected(withHyper(auto.withEngine(new EngineSettings(null, null, null, null, null, null, null, null, "GPU 0"))),
                p + "backend", "invalid_hyperparameters", "Invalid 'backend': 'GPU 0' (a backend name such as 'reference', 'cpu' or 'cuda').");
        assertRejected(withHyper(auto.withEngine(d.toBuilder().trainableTokenIndices(List.of(2, -1)).build())),
                p + "trainable_token_indices", "invalid_hyperparameters", "Invalid 'trainable_token_indices': [2, -1] (distinct token ids >= 0).");
        assertRejected(withHyper(auto.withEngine(d.toBuilder().trainableTokenIndices(List.of(2, 2)).build())),
                p + "trainable_token_indices", "invalid_hyperparameters", "Invalid 'trainable_token_indices': [2, 2] (distinct token ids >= 0).");
        assertRejected(withHyper(auto.withEngine(d.toBuilder().fullFineTune(true).trainableTokenIndices(List.of(2)).build())),
                p + "trainable_token_indices", "invalid_hyperparameters",
                "Invalid 'trainable_token_indices': [2] (only with LoRA: full fine-tuning trains every row).");
        assertThat(d.isDefault()).isTrue();
    }

    @Test
    void metadataLimits() {
        Map<String, String> seventeen = new HashMap<>();
        for (int i = 0; i < 17; i++) seventeen.put("k" + i, "v");
        assertRejected(JobCreateParams.of(MODEL, file).withMetadata(seventeen), "metadata", "invalid_metadata",
                "Invalid 'metadata': 17 pairs (at most 16).");
        assertRejected(JobCreateParams.of(MODEL, file).withMetadata(Map.of("k".repeat(65), "v")), "metadata", "invalid_metadata",
                "Invalid 'metadata': key '" + "k".repeat(65) + "' is longer than 64 characters.");
        assertRejected(JobCreateParams.of(MODEL, file).withMetadata(Map.of("k", "v".repeat(513))), "metadata", "invalid_metadata",
                "Invalid 'metadata': the value of 'k' is longer than 512 characters.");
    }
}
