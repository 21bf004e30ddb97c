package com.mka1.store.postgres;

import com.mka1.api.Caller;
import com.mka1.api.NotFoundException;
import com.mka1.api.PageParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.api.models.Model;
import com.mka1.api.models.ModelExportParams;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.jobs.store.LeaseSettings;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.store.postgres.testing.LocalPostgres;
import com.mka1.store.s3.testing.LocalS3;
import com.mka1.store.s3.S3BlobStore;
import com.mka1.store.s3.S3Location;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fine-tuned models on every node: a job really trained (LlamaTrainer, reference backend, the
 * embedded stories260K) on node a is published to the shared blob store (a real S3-protocol
 * server, each node with its own client) next to the shared PostgreSQL queue; node b, started after
 * the job ended, lists it, answers with the same greedy text, serves its checkpoint, exports the
 * same bytes and deletes it for both nodes; another end user sees it through neither.
 */
class SharedModelsTest {
    private static final Caller ALICE = new Caller("alice");
    private static final Caller BOB = new Caller("bob");

    @TempDir
    Path root;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) c.close();
    }

    private static final S3Location BUCKET = S3Location.parse("s3://mka1-shared-models/deploy");

    private S3BlobStore blobs() throws Exception {
        S3BlobStore blobs = S3BlobStore.open(BUCKET, LocalS3.settings());
        opened.add(blobs);
        return blobs;
    }

    private EmbeddedMka1 node(String name, PostgresUrl url) throws Exception {
        PostgresJobStore store = PostgresJobStore.open(url, 4, root.resolve(name).resolve("data/scratch"));
        opened.add(store);
        S3BlobStore blobs = blobs();
        EmbeddedMka1 mka1 = EmbeddedMka1.builder().dataDir(root.resolve(name).resolve("data"))
                .modelsDir(root.resolve(name).resolve("models")).backend("reference").minExamples(4)
                .blobs(blobs)
                .jobStore(store, new LeaseSettings(name, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(50)))
                .build();
        opened.add(mka1);
        return mka1;
    }

    private static String greedy(EmbeddedMka1 mka1, Caller caller, String model) {
        Response r = mka1.responses(caller).create(ResponseCreateParams.of(model, "3+1?").withTemperature(0.0)
                .withMaxOutputTokens(8));
        assertThat(r.model()).isEqualTo(model);
        return r.outputText();
    }

    private static byte[] exported(EmbeddedMka1 mka1, String model) throws IOException {
        FileObject file = mka1.models(ALICE).export(model, new ModelExportParams("gguf", "f32"));
        try (InputStream in = mka1.files(ALICE).content(file.id())) {
            return in.readAllBytes();
        }
    }

    @Test
    void aModelTrainedOnOneNodeIsServedExportedAndDeletedThroughTheOther() throws Exception {
        PostgresUrl url = LocalPostgres.get().newDatabase();
        EmbeddedMka1 a = node("a", url);
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            lines.append("{\"messages\":[{\"role\":\"user\",\"content\":\"").append(i).append("+1?\"},")
                    .append("{\"role\":\"assistant\",\"content\":\"").append(i + 1).append(".\"}]}\n");
        }
        String file = Mka1Fixture.upload(a, ALICE, lines.toString()).id();
        Hyperparameters hp = Hyperparameters.auto().withNEpochs(HyperparameterValue.of(2)).withBatchSize(HyperparameterValue.of(4))
                .withEngine(EngineSettings.builder().loraAlpha(64.0).maxSeqLength(64).build());
        FineTuningJob job = a.fineTuning(ALICE).create(JobCreateParams.of(EmbeddedMka1.EMBEDDED_MODEL, file).withSuffix("shared")
                .withSeed(5L).withMethod(new Method.Supervised(hp)));
        FineTuningJob done = Mka1Fixture.awaitStatus(a, ALICE, job.id(), JobStatus.SUCCEEDED);
        String model = done.fineTunedModel();
        assertThat(model).isEqualTo("ft:" + EmbeddedMka1.EMBEDDED_MODEL + ":shared");
        List<String> checkpoints = a.fineTuning(ALICE).listCheckpoints(job.id(), PageParams.FIRST).data().stream()
                .map(Checkpoint::fineTunedModelCheckpoint).toList();
        assertThat(checkpoints).containsExactly(model + ":ckpt-step-2", model + ":ckpt-step-1");
        String checkpoint = checkpoints.getFirst();

        EmbeddedMka1 b = node("b", url); // started after the job ended: it knows the model only through the shared stores
        List<String> listedByB = b.models(ALICE).list().stream().map(Model::id).toList();
        assertThat(listedByB).containsExactly(EmbeddedMka1.EMBEDDED_MODEL, model + ":ckpt-step-1", model + ":ckpt-step-2", model);
        // each node wrote its own copy of the base model; the fine-tuned entries are the same records
        assertThat(b.models(ALICE).list().subList(1, 4)).isEqualTo(a.models(ALICE).list().subList(1, 4));
        assertThat(b.models(ALICE).retrieve(model)).isEqualTo(a.models(ALICE).retrieve(model));
        assertThat(root.resolve("b/data/shared-models")).doesNotExist(); // listing and describing fetch no files

        String answer = greedy(a, ALICE, model);
        assertThat(answer).isNotEmpty();
        assertThat(greedy(b, ALICE, model)).isEqualTo(answer);
        assertThat(greedy(b, ALICE, checkpoint)).isEqualTo(greedy(a, ALICE, checkpoint));
        try (var copies = Files.list(root.resolve("b/data/shared-models/ft:mka1:tiny:shared"))) { // one publication fetched
            assertThat(copies.toList()).singleElement().satisfies(copy -> assertThat(copy.resolve("files/adapter_config.json"))
                    .isRegularFile());
        }
        byte[] gguf = exported(b, model);
        assertThat(gguf).hasSizeGreaterThan(100_000).isEqualTo(exported(a, model));

        for (EmbeddedMka1 node : List.of(a, b)) { // another end user: as if it did not exist, on either node
            assertThat(node.models(BOB).list()).extracting(Model::id).containsExactly(EmbeddedMka1.EMBEDDED_MODEL);
            assertThatThrownBy(() -> node.models(BOB).retrieve(model)).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> greedy(node, BOB, model)).isInstanceOf(NotFoundException.class)
                    .hasMessage("The model '" + model + "' does not exist.");
            assertThatThrownBy(() -> node.models(BOB).delete(model)).isInstanceOf(NotFoundException.class);
        }

        assertThat(b.models(ALICE).delete(model).deleted()).isTrue();
        assertThatThrownBy(() -> a.models(ALICE).retrieve(model)).isInstanceOf(NotFoundException.class)
                .hasMessage("The model '" + model + "' does not exist.");
        assertThatThrownBy(() -> greedy(a, ALICE, model)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> b.models(ALICE).retrieve(model)).isInstanceOf(NotFoundException.class);
        assertThat(a.models(ALICE).list()).extracting(Model::id)
                .containsExactly(EmbeddedMka1.EMBEDDED_MODEL, model + ":ckpt-step-1", model + ":ckpt-step-2");
        assertThat(root.resolve("b/data/shared-models/ft:mka1:tiny:shared")).doesNotExist();
        assertThat(blobs().list("models/")).isNotEmpty().noneMatch(key -> key.startsWith("models/ft:mka1:tiny:shared/"));
        assertThat(greedy(a, ALICE, checkpoint)).isEqualTo(greedy(b, ALICE, checkpoint)); // the checkpoint stays
    }
}
