package com.mka1.core.registry;

import com.mka1.core.storage.blob.FileBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two registries (two servers) sharing fine-tuned models through one blob store: the exact
 * layout published, the record as commit point, a fetch into the other server's cache, removal
 * for both, a half-published model that does not exist, an id used again, and models registered
 * before sharing published once.
 */
class SharedModelRegistryTest {
    private static final String ID = "ft:mka1:tiny:support";

    @TempDir
    Path root;

    private FileBlobStore blobs() throws IOException {
        return new FileBlobStore(root.resolve("blobs"));
    }

    /** Ids each server was told to drop from its inference cache. */
    private final Map<String, List<String>> dropped = new HashMap<>();

    private ModelRegistry node(String name) throws IOException {
        List<String> drops = dropped.computeIfAbsent(name, n -> new ArrayList<>());
        return ModelRegistry.open(root.resolve(name + "/models"), root.resolve(name + "/models.json"), blobs(),
                root.resolve(name + "/shared-models"), drops::add);
    }

    /** A trained model's directory: an adapter config and weights one level down. */
    private Path trained(String name, String weights) throws IOException {
        Path dir = Files.createDirectories(root.resolve("a/jobs/" + name + "/output/final"));
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\":8}");
        Files.writeString(Files.createDirectories(dir.resolve("weights")).resolve("adapter.bin"), weights);
        return dir;
    }

    private static RegisteredModel model(String id, Path dir, String jobId) {
        return new RegisteredModel(id, dir, 1_700_000_000L, "org_test", ModelKind.FINE_TUNED, "mka1:tiny", jobId);
    }

    private String text(String key) throws IOException {
        try (InputStream in = blobs().get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aModelRegisteredOnOneServerIsPublishedFetchedByTheOtherAndRemovedForBoth() throws Exception {
        ModelRegistry a = node("a");
        ModelRegistry b = node("b");
        Path dir = trained("ftjob_1", "weights-1");
        long before = System.currentTimeMillis();
        a.register(model(ID, dir, "ftjob_1"));

        assertThat(blobs().list("models/")).containsExactly("models/" + ID + "/files/adapter_config.json",
                "models/" + ID + "/files/weights/adapter.bin", "models/" + ID + "/model.json");
        String record = text("models/" + ID + "/model.json");
        assertThat(record).startsWith("{\"id\":\"" + ID + "\",\"created\":1700000000,\"owned_by\":\"org_test\","
                + "\"kind\":\"fine_tuned\",\"base_model\":\"mka1:tiny\",\"job_id\":\"ftjob_1\",\"published_ms\":");
        long published = Long.parseLong(record.substring(record.lastIndexOf(':') + 1, record.length() - 1));
        assertThat(published).isBetween(before, System.currentTimeMillis());

        assertThat(a.find(ID)).contains(model(ID, dir, "ftjob_1")); // the server that trained it keeps its own directory
        Path cached = root.resolve("b/shared-models/" + ID + "/" + published + "/files");
        assertThat(b.exists(ID)).isTrue();
        assertThat(cached).doesNotExist(); // exists() fetches nothing
        assertThat(b.list()).containsExactly(model(ID, cached, "ftjob_1"));
        assertThat(b.describe(ID)).contains(model(ID, cached, "ftjob_1"));
        assertThat(cached).doesNotExist(); // nor do list() and describe()
        assertThat(b.find(ID)).contains(model(ID, cached, "ftjob_1"));
        assertThat(cached.resolve("weights/adapter.bin")).hasContent("weights-1");
        assertThat(cached.resolve("adapter_config.json")).hasContent("{\"r\":8}");
        assertThat(cached.resolveSibling("model.json")).hasContent(record);

        assertThat(b.unregister(ID)).isTrue();
        assertThat(blobs().list("models/")).isEmpty();
        assertThat(root.resolve("b/shared-models/" + ID)).doesNotExist();
        assertThat(a.find(ID)).isEmpty();
        assertThat(a.registeredHere(ID)).isEmpty();
        assertThat(a.list()).isEmpty();
        assertThat(dropped.get("a")).containsOnly(ID);
        assertThat(b.unregister(ID)).isFalse();
    }

    @Test
    void aModelWhoseRecordWasNeverWrittenDoesNotExist() throws Exception {
        FileBlobStore blobs = blobs();
        blobs.put("models/" + ID + "/files/adapter_config.json", new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)));
        ModelRegistry b = node("b");
        assertThat(b.exists(ID)).isFalse();
        assertThat(b.find(ID)).isEmpty();
        assertThat(b.list()).isEmpty();

        ModelRegistry a = node("a"); // publishing again replaces what the interrupted upload left
        a.register(model(ID, trained("ftjob_1", "w"), "ftjob_1"));
        assertThat(blobs.list("models/")).containsExactly("models/" + ID + "/files/adapter_config.json",
                "models/" + ID + "/files/weights/adapter.bin", "models/" + ID + "/model.json");
        assertThat(text("models/" + ID + "/files/adapter_config.json")).isEqualTo("{\"r\":8}");
    }

    @Test
    void anIdDeletedAndUsedAgainIsFetchedAfresh() throws Exception {
        ModelRegistry a = node("a");
        ModelRegistry b = node("b");
        a.register(model(ID, trained("ftjob_1", "first"), "ftjob_1"));
        Path cached = b.find(ID).orElseThrow().dir();
        assertThat(cached.resolve("weights/adapter.bin")).hasContent("first");

        assertThat(a.unregister(ID)).isTrue(); // b's copy is left behind: b learns it at its next look-up
        Thread.sleep(2); // another publication time
        a.register(model(ID, trained("ftjob_2", "second"), "ftjob_2"));
        assertThat(dropped.get("b")).isEmpty();
        Path fresh = b.find(ID).orElseThrow().dir();
        assertThat(b.find(ID)).contains(model(ID, fresh, "ftjob_2"));
        assertThat(fresh).isNotEqualTo(cached); // a loaded adapter is looked up by its directory: never the old one's
        assertThat(fresh.resolve("weights/adapter.bin")).hasContent("second");
        assertThat(cached).doesNotExist();
        assertThat(dropped.get("b")).containsExactly(ID);
    }

    @Test
    void modelsRegisteredBeforeSharingArePublishedOnceAndTheRegistryFileSetAside() throws Exception {
        Path dir = trained("ftjob_1", "old");
        ModelRegistry alone = ModelRegistry.open(root.resolve("a/models"), root.resolve("a/models.json"));
        alone.register(model(ID, dir, "ftjob_1"));

        ModelRegistry a = node("a");
        assertThat(root.resolve("a/models.json")).doesNotExist();
        assertThat(root.resolve("a/models.json.published")).isRegularFile();
        assertThat(a.find(ID)).contains(model(ID, dir, "ftjob_1"));
        assertThat(node("b").find(ID).orElseThrow().dir().resolve("weights/adapter.bin")).hasContent("old");

        assertThat(node("b").unregister(ID)).isTrue();
        assertThat(node("a").find(ID)).isEmpty(); // reopened: not published again
    }

    @Test
    void idsBecomeOneKeySegmentAndDistinctIdsStayDistinct() {
        assertThat(SharedModels.escape("ft:mka1:tiny:my-suffix:ckpt-step-3")).isEqualTo("ft:mka1:tiny:my-suffix:ckpt-step-3");
        assertThat(SharedModels.escape("ft:local:a b/c_d")).isEqualTo("ft:local:a_20b_2fc_5fd");
        assertThat(SharedModels.escape("ft:local:a_20b")).isEqualTo("ft:local:a_5f20b");
        assertThat(SharedModels.escape("..")).isEqualTo("_2e.");
        assertThat(SharedModels.escape("ft:é")).isEqualTo("ft:_c3_a9");
    }
}
