package com.mka1.core.json;

import com.mka1.api.ConflictException;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.Page;
import com.mka1.api.files.FileDeleted;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileStatus;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiCodecsTest {

    private static FineTuningJob specJob() {
        Hyperparameters h = Hyperparameters.auto().withNEpochs(HyperparameterValue.of(3));
        return new FineTuningJob("ftjob-abc123", "meetkai:functionary-medium", 1721764800L, null, null, "org-x",
                List.of(), JobStatus.QUEUED, "file-def456", "file-abc123", new Method.Supervised(h), null, null, null,
                42L, null, Map.of("experiment", "support-bot-v1"), "support-bot", null);
    }

    @Test
    void fileObjectIsWrittenExactlyAsTheSpecShowsAndReadBack() {
        FileObject f = new FileObject("file-abc123", 120000, 1677610602, null, "fine-tuning-train.jsonl",
                FilePurpose.FINE_TUNE, FileStatus.PROCESSED, null);
        String json = Json.write(FileObjectCodec.INSTANCE, f);
        assertThat(json).isEqualTo("{\"id\":\"file-abc123\",\"object\":\"file\",\"bytes\":120000,\"created_at\":1677610602,"
                + "\"filename\":\"fine-tuning-train.jsonl\",\"purpose\":\"fine-tune\",\"status\":\"processed\"}");
        assertThat(Json.read(FileObjectCodec.INSTANCE, json)).isEqualTo(f);
    }

    @Test
    void deletedFile() {
        assertThat(Json.write(DeletedCodec.FILE, new FileDeleted("file_1", true)))
                .isEqualTo("{\"id\":\"file_1\",\"object\":\"file\",\"deleted\":true}");
    }

    @Test
    void jobObjectFollowsTheSpecFieldOrderAndRoundTrips() {
        String json = Json.write(FineTuningJobCodec.INSTANCE, specJob());
        String hp = "{\"n_epochs\":3,\"batch_size\":\"auto\",\"learning_rate_multiplier\":\"auto\"}";
        assertThat(json).isEqualTo("{\"object\":\"fine_tuning.job\",\"id\":\"ftjob-abc123\",\"model\":\"meetkai:functionary-medium\","
                + "\"created_at\":1721764800,\"finished_at\":null,\"fine_tuned_model\":null,\"organization_id\":\"org-x\","
                + "\"result_files\":[],\"status\":\"queued\",\"validation_file\":\"file-def456\",\"training_file\":\"file-abc123\","
                + "\"hyperparameters\":" + hp + ",\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":" + hp + "}},"
                + "\"trained_tokens\":null,\"error\":null,\"integrations\":null,\"seed\":42,\"estimated_finish\":null,"
                + "\"metadata\":{\"experiment\":\"support-bot-v1\"},\"user_provided_suffix\":\"support-bot\",\"user\":null}");
        assertThat(Json.read(FineTuningJobCodec.INSTANCE, json)).isEqualTo(specJob());
    }

    @Test
    void failedDpoJobWithEngineSettingsRoundTrips() {
        Hyperparameters h = Hyperparameters.autoDpo().withBeta(HyperparameterValue.of(0.1))
                .withLearningRateMultiplier(HyperparameterValue.of(2.0))
                .withEngine(new EngineSettings(8, 16.0, 0.05, List.of("q", "v"), false, 0.1, "cosine", 512, "cpu", List.of(2, 7)));
        FineTuningJob j = new FineTuningJob("ftjob_1", "m:n", 1, 2L, null, "org", List.of("file_r"), JobStatus.FAILED,
                null, "file_t", new Method.Dpo(h), 1000L, new JobError("invalid_training_file", "Line 2: bad", "training_file"),
                List.of(new JsonValue.Obj(Map.of("type", new JsonValue.Str("wandb")))), 7, 9L, null, null, "user-a");
        String json = Json.write(FineTuningJobCodec.INSTANCE, j);
        assertThat(json).contains("\"method\":{\"type\":\"dpo\",\"dpo\":{\"hyperparameters\":{\"n_epochs\":\"auto\",\"batch_size\":\"auto\","
                + "\"learning_rate_multiplier\":2.0,\"beta\":0.1,\"lora_rank\":8,\"lora_alpha\":16.0,\"lora_dropout\":0.05,"
                + "\"lora_target_modules\":[\"q\",\"v\"],\"full_fine_tune\":false,\"warmup_ratio\":0.1,\"lr_scheduler\":\"cosine\","
                + "\"max_seq_length\":512,\"backend\":\"cpu\",\"trainable_token_indices\":[2,7]}}}");
        assertThat(json).contains("\"error\":{\"code\":\"invalid_training_file\",\"message\":\"Line 2: bad\",\"param\":\"training_file\"}");
        assertThat(json).contains("\"integrations\":[{\"type\":\"wandb\"}]");
        assertThat(json).endsWith("\"metadata\":null,\"user_provided_suffix\":null,\"user\":\"user-a\"}");
        assertThat(Json.read(FineTuningJobCodec.INSTANCE, json)).isEqualTo(j);
    }

    @Test
    void eventWithMetricsData() {
        Map<String, JsonValue> data = new LinkedHashMap<>();
        data.put("step", JsonValue.Num.of(10));
        data.put("total_steps", JsonValue.Num.of(120));
        data.put("train_loss", JsonValue.Num.of(1.234));
        JobEvent e = new JobEvent("ftevent-abc123", 1721764800, EventLevel.INFO, "Step 10/120: training loss=1.234",
                EventType.METRICS, new JsonValue.Obj(data));
        String json = Json.write(JobEventCodec.INSTANCE, e);
        assertThat(json).isEqualTo("{\"object\":\"fine_tuning.job.event\",\"id\":\"ftevent-abc123\",\"created_at\":1721764800,"
                + "\"level\":\"info\",\"message\":\"Step 10/120: training loss=1.234\",\"type\":\"metrics\","
                + "\"data\":{\"step\":10,\"total_steps\":120,\"train_loss\":1.234}}");
        assertThat(Json.read(JobEventCodec.INSTANCE, json)).isEqualTo(e);
        JobEvent plain = new JobEvent("ftevent_2", 5, EventLevel.WARN, "hi", EventType.MESSAGE, null);
        assertThat(Json.write(JobEventCodec.INSTANCE, plain)).endsWith("\"level\":\"warn\",\"message\":\"hi\",\"type\":\"message\"}");
        assertThat(Json.read(JobEventCodec.INSTANCE, Json.write(JobEventCodec.INSTANCE, plain))).isEqualTo(plain);
    }

    @Test
    void checkpointLeavesOutAbsentValidationMetrics() {
        Checkpoint c = new Checkpoint("ftckpt-abc123", 1721764800, "ft:meetkai:functionary-medium:support-bot:ckpt-step-88",
                "ftjob-abc123", 88, new CheckpointMetrics(88, 0.478, 0.924, null, null, null, null));
        String json = Json.write(CheckpointCodec.INSTANCE, c);
        assertThat(json).isEqualTo("{\"object\":\"fine_tuning.job.checkpoint\",\"id\":\"ftckpt-abc123\",\"created_at\":1721764800,"
                + "\"fine_tuned_model_checkpoint\":\"ft:meetkai:functionary-medium:support-bot:ckpt-step-88\","
                + "\"fine_tuning_job_id\":\"ftjob-abc123\",\"step_number\":88,"
                + "\"metrics\":{\"step\":88,\"train_loss\":0.478,\"train_mean_token_accuracy\":0.924}}");
        assertThat(Json.read(CheckpointCodec.INSTANCE, json)).isEqualTo(c);
    }

    @Test
    void pagesCarryIdsOrNulls() {
        var codec = new PageCodec<>(DeletedCodec.FILE);
        assertThat(Json.write(codec, new Page<>(List.of(), false, null, null)))
                .isEqualTo("{\"object\":\"list\",\"data\":[],\"has_more\":false,\"first_id\":null,\"last_id\":null}");
        assertThat(Json.write(codec, new Page<>(List.of(new FileDeleted("a", true)), true, "a", "a")))
                .isEqualTo("{\"object\":\"list\",\"data\":[{\"id\":\"a\",\"object\":\"file\",\"deleted\":true}],"
                        + "\"has_more\":true,\"first_id\":\"a\",\"last_id\":\"a\"}");
    }

    @Test
    void errorEnvelope() {
        assertThat(ErrorCodec.toJson(new ConflictException("Cannot resume job ftjob_1: status is running", null, "invalid_state")))
                .isEqualTo("{\"error\":{\"message\":\"Cannot resume job ftjob_1: status is running\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_state\"}}");
    }

    @Test
    void createRequestParsesTheSpecExampleAndIgnoresUnknownFields() {
        JobCreateParams p = Json.read(JobCreateParamsCodec.INSTANCE, """
                {"model": "meetkai:functionary-medium", "training_file": "file-abc123", "validation_file": "file-def456",
                 "suffix": "support-bot", "seed": 42, "something_new": {"x": 1},
                 "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3, "batch_size": "auto",
                            "learning_rate_multiplier": 0.5, "lora_rank": 4}}},
                 "metadata": {"experiment": "support-bot-v1"}, "integrations": []}""");
        assertThat(p.model()).isEqualTo("meetkai:functionary-medium");
        assertThat(p.validationFile()).isEqualTo("file-def456");
        assertThat(p.seed()).isEqualTo(42L);
        assertThat(p.method()).isEqualTo(new Method.Supervised(new Hyperparameters(HyperparameterValue.of(3),
                HyperparameterValue.auto(), HyperparameterValue.of(0.5), null,
                new EngineSettings(4, null, null, null, null, null, null, null, null))));
        assertThat(p.metadata()).containsExactly(Map.entry("experiment", "support-bot-v1"));
        assertThat(p.integrations()).isEmpty();
    }

    @Test
    void deprecatedTopLevelHyperparametersMeanSupervised() {
        JobCreateParams p = Json.read(JobCreateParamsCodec.INSTANCE,
                "{\"model\":\"a:b\",\"training_file\":\"f\",\"hyperparameters\":{\"n_epochs\":5}}");
        assertThat(p.method()).isEqualTo(new Method.Supervised(Hyperparameters.auto().withNEpochs(HyperparameterValue.of(5))));
        JobCreateParams dpo = Json.read(JobCreateParamsCodec.INSTANCE,
                "{\"model\":\"a:b\",\"training_file\":\"f\",\"method\":{\"type\":\"dpo\"}}");
        assertThat(dpo.method()).isEqualTo(Method.Dpo.auto());
        assertThat(Json.read(JobCreateParamsCodec.INSTANCE, "{\"model\":\"a:b\",\"training_file\":\"f\"}").method())
                .isEqualTo(Method.Supervised.auto());
    }

    @Test
    void createRequestRoundTripsThroughItsWriter() {
        JobCreateParams p = JobCreateParams.of("a:b", "file_1").withSuffix("s").withSeed(3L)
                .withMethod(Method.Dpo.auto()).withMetadata(Map.of("k", "v"));
        assertThat(Json.read(JobCreateParamsCodec.INSTANCE, Json.write(JobCreateParamsCodec.INSTANCE, p))).isEqualTo(p);
    }

    @Test
    void typeErrorsNameTheField() {
        assertRejected("{\"model\":1,\"training_file\":\"f\"}", "model",
                "Invalid type for 'model': expected a string, but got an integer instead.");
        assertRejected("{\"training_file\":\"f\"}", "model", "Missing required parameter: 'model'.");
        assertRejected("{\"model\":\"m\",\"training_file\":\"f\",\"seed\":\"x\"}", "seed",
                "Invalid type for 'seed': expected an integer, but got a string instead.");
        assertRejected("{\"model\":\"m\",\"training_file\":\"f\",\"seed\":1.5}", "seed",
                "Invalid type for 'seed': expected an integer, but got a decimal number instead.");
        assertRejected("{\"model\":\"m\",\"training_file\":\"f\",\"method\":{\"type\":\"supervised\",\"supervised\":"
                        + "{\"hyperparameters\":{\"n_epochs\":\"many\"}}}}", "method.supervised.hyperparameters.n_epochs",
                "Invalid type for 'method.supervised.hyperparameters.n_epochs': expected \"auto\" or an integer, but got a string instead.");
        assertRejected("{\"model\":\"m\",\"training_file\":\"f\",\"metadata\":{\"k\":1}}", "metadata.k",
                "Invalid type for 'metadata.k': expected a string, but got an integer instead.");
        assertRejected("{\"model\":\"m\",\"training_file\":\"f\",\"method\":{\"type\":\"reinforcement\"}}", "method.type",
                "Method 'reinforcement' is not supported; use 'supervised' or 'dpo'.");
        assertRejected("{\"model\":\"m\",\"training_file\":\"f\",\"hyperparameters\":[1]}", "hyperparameters",
                "Invalid type for 'hyperparameters': expected an object, but got an array instead.");
        assertRejected("[1]", null, "The request body must be a JSON object, but got an array.");
    }

    @Test
    void malformedTextNamesTheLocation() {
        assertThatThrownBy(() -> Json.parse("{\"a\": }")).isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("line 1, column 7");
        assertThatThrownBy(() -> Json.parse("{} {}")).isInstanceOf(MalformedJsonException.class)
                .hasMessageStartingWith("unexpected content after the JSON value");
    }

    @Test
    void treeKeepsNumbersExactAndKeyOrder() {
        JsonValue v = Json.parse("{\"b\":1,\"a\":[1.50,true,null,\"x\"],\"big\":12345678901234567890}");
        assertThat(Json.write(Json.VALUE, v)).isEqualTo("{\"b\":1,\"a\":[1.50,true,null,\"x\"],\"big\":12345678901234567890}");
    }

    @Test
    void doublesAreWrittenInShortestPlainForm() {
        assertThat(Json.write(Json.VALUE, new JsonValue.Arr(List.of(JsonValue.Num.of(1.0), JsonValue.Num.of(1e-4),
                JsonValue.Num.of(100.0), JsonValue.Num.of(0.478), JsonValue.Num.of(-2.5e7))))).isEqualTo("[1,0.0001,100,0.478,-25000000]");
        assertThatThrownBy(() -> JsonValue.Num.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRejected(String body, String param, String message) {
        assertThatThrownBy(() -> Json.read(JobCreateParamsCodec.INSTANCE, body))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.httpStatus()).isEqualTo(400);
                });
    }
}
