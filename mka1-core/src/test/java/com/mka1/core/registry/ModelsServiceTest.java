package com.mka1.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.Caller;
import com.mka1.api.NotFoundException;
import com.mka1.api.PermissionDeniedException;
import com.mka1.api.models.Model;
import com.mka1.api.models.ModelDeleted;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.models.ModelExportParams;
import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.export.ExportFiles;
import com.mka1.core.export.ModelExporter;
import com.mka1.core.files.FileStore;
import com.mka1.core.registry.tiny.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsServiceTest {
    @TempDir
    Path root;

    @Test
    void listsRetrievesAndDeletesFineTunedModelsButNeverBaseModels() throws IOException {
        Path models = root.resolve("models");
        TinyModel.ensure(models);
        Path ftDir = Files.createDirectories(root.resolve("jobs/ftjob_1/output/model"));
        Files.writeString(ftDir.resolve("adapter_config.json"), "{}");
        ModelRegistry registry = ModelRegistry.open(models, root.resolve("models.json"));
        registry.register(new RegisteredModel("ft:mka1:tiny:support", ftDir, 1_700_000_100L, "org_test", ModelKind.FINE_TUNED,
                TinyModel.ID, "ftjob_1"));
        List<String> unloaded = new ArrayList<>();
        ModelsService service = new ModelsService(new ModelAccess(registry, job -> null), Caller.NONE, unloaded::add, exports(registry));

        Model base = service.retrieve(TinyModel.ID);
        assertThat(base.ownedBy()).isEqualTo("mka1");
        assertThat(service.list()).containsExactly(base, new Model("ft:mka1:tiny:support", 1_700_000_100L, "org_test"));

        assertThatThrownBy(() -> service.delete(TinyModel.ID))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.param()).isEqualTo("model");
                    assertThat(e.code()).isEqualTo("model_not_deletable");
                });
        assertThat(models.resolve(TinyModel.RELATIVE_DIR).resolve("model.safetensors")).exists();

        assertThat(service.delete("ft:mka1:tiny:support")).isEqualTo(new ModelDeleted("ft:mka1:tiny:support", true));
        assertThat(ftDir).doesNotExist();
        assertThat(unloaded).containsExactly("ft:mka1:tiny:support");
        assertThat(ModelRegistry.open(models, root.resolve("models.json")).find("ft:mka1:tiny:support")).isEmpty();
        assertThatThrownBy(() -> service.retrieve("ft:mka1:tiny:support"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo("model_not_found"))
                .hasMessage("The model 'ft:mka1:tiny:support' does not exist.");
        assertThatThrownBy(() -> service.delete("ft:mka1:tiny:support")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void fineTunedModelsFollowTheirJobsEndUserAndBaseModelsAreShared() throws IOException {
        Path models = root.resolve("models");
        TinyModel.ensure(models);
        ModelRegistry registry = ModelRegistry.open(models, root.resolve("models.json"));
        for (String name : List.of("alice-bot", "shared-bot")) {
            Path dir = Files.createDirectories(root.resolve("ft/" + name));
            Files.writeString(dir.resolve("adapter_config.json"), "{}");
            registry.register(new RegisteredModel("ft:mka1:tiny:" + name, dir, 1_700_000_100L, "org_test",
                    ModelKind.FINE_TUNED, TinyModel.ID, "ftjob_" + name));
        }
        ModelAccess access = new ModelAccess(registry, job -> job.equals("ftjob_alice-bot") ? "alice" : null);
        List<String> unloaded = new ArrayList<>();
        ModelsService bob = new ModelsService(access, Caller.onBehalfOf("bob"), unloaded::add, exports(registry));
        ModelsService alice = new ModelsService(access, Caller.onBehalfOf("alice"), unloaded::add, exports(registry));
        ModelsService keyHolder = new ModelsService(access, Caller.NONE, unloaded::add, exports(registry));

        assertThat(bob.list()).extracting(Model::id).containsExactly(TinyModel.ID, "ft:mka1:tiny:shared-bot");
        assertThat(alice.list()).extracting(Model::id)
                .containsExactly(TinyModel.ID, "ft:mka1:tiny:alice-bot", "ft:mka1:tiny:shared-bot");
        assertThat(keyHolder.list()).extracting(Model::id)
                .containsExactly(TinyModel.ID, "ft:mka1:tiny:alice-bot", "ft:mka1:tiny:shared-bot");
        assertThatThrownBy(() -> bob.retrieve("ft:mka1:tiny:alice-bot"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo("model_not_found"))
                .hasMessage("The model 'ft:mka1:tiny:alice-bot' does not exist.");
        assertThatThrownBy(() -> bob.delete("ft:mka1:tiny:alice-bot")).isInstanceOf(NotFoundException.class);
        assertThat(root.resolve("ft/alice-bot/adapter_config.json")).exists();
        assertThat(unloaded).isEmpty();
        assertThat(alice.retrieve("ft:mka1:tiny:alice-bot").id()).isEqualTo("ft:mka1:tiny:alice-bot");
        assertThat(alice.delete("ft:mka1:tiny:alice-bot")).isEqualTo(new ModelDeleted("ft:mka1:tiny:alice-bot", true));
        assertThat(unloaded).containsExactly("ft:mka1:tiny:alice-bot");
    }

    @Test
    void aCallerExportsOnlyModelsItSeesIntoFilesOfItsOwn() throws IOException {
        Path models = root.resolve("models");
        TinyModel.ensure(models);
        ModelRegistry registry = ModelRegistry.open(models, root.resolve("models.json"));
        Path full = Files.createDirectories(root.resolve("ft/alice-full"));
        try (var files = Files.list(registry.find(TinyModel.ID).orElseThrow().dir())) {
            for (Path f : files.toList()) Files.copy(f, full.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        String id = "ft:mka1:tiny-random:alice-full";
        registry.register(new RegisteredModel(id, full, 1_700_000_100L, "org_test", ModelKind.FINE_TUNED, TinyModel.ID,
                "ftjob_alice"));
        ModelAccess access = new ModelAccess(registry, job -> job.equals("ftjob_alice") ? "alice" : null);
        ModelsService bob = new ModelsService(access, Caller.onBehalfOf("bob"), m -> { }, exports(registry));
        ModelsService alice = new ModelsService(access, Caller.onBehalfOf("alice"), m -> { }, exports(registry));

        assertThatThrownBy(() -> bob.export(id, new ModelExportParams("gguf", "f32")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo("model_not_found"))
                .hasMessage("The model '" + id + "' does not exist.");
        assertThat(fileStore().list(com.mka1.api.files.FileListParams.ALL, Caller.NONE).data()).isEmpty();

        FileObject file = alice.export(id, new ModelExportParams("gguf", "f32"));
        assertThat(file.filename()).isEqualTo("ft-mka1-tiny-random-alice-full.f32.gguf");
        assertThat(file.purpose()).isEqualTo(FilePurpose.FINE_TUNE_RESULTS);
        FileStore store = fileStore();
        assertThatThrownBy(() -> store.retrieve(file.id(), Caller.onBehalfOf("bob"))).isInstanceOf(NotFoundException.class);
        try (InputStream in = store.content(file.id(), Caller.onBehalfOf("alice"))) {
            byte[] head = in.readNBytes(4);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("GGUF");
            assertThat(4 + in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(file.bytes());
        }
        assertThat(root.resolve("exports")).isEmptyDirectory(); // the scratch copy moved into the store
    }

    private FileStore fileStore() {
        try {
            return FileStore.open(root.resolve("files"), 1 << 20, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ModelExports exports(ModelRegistry registry) {
        return new ExportFiles(new ModelExporter(registry, ReferenceDevice::new), fileStore(), root.resolve("exports"))::export;
    }
}
