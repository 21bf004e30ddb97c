package com.mka1.core.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRegistryTest {
    @TempDir
    Path root;

    private Path model(String relative, String config) throws IOException {
        Path dir = Files.createDirectories(root.resolve("models").resolve(relative));
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    private ModelRegistry open() throws IOException {
        return ModelRegistry.open(root.resolve("models"), root.resolve("data/models.json"));
    }

    @Test
    void baseModelsAreOwnerColonNameAndAppearWithoutRestart() throws IOException {
        Path medium = model("meetkai/functionary-medium", "{\"max_position_embeddings\": 4096}");
        model("stories260k", "{}");
        Files.createDirectories(root.resolve("models/meetkai/not-a-model"));
        ModelRegistry registry = open();
        assertThat(registry.list()).extracting(RegisteredModel::id).containsExactly("local:stories260k", "meetkai:functionary-medium");
        RegisteredModel m = registry.find("meetkai:functionary-medium").orElseThrow();
        assertThat(m.dir()).isEqualTo(medium.toAbsolutePath().normalize());
        assertThat(m.ownedBy()).isEqualTo("meetkai");
        assertThat(m.kind()).isEqualTo(ModelKind.BASE);
        assertThat(registry.contextLength("meetkai:functionary-medium")).contains(4096);
        assertThat(registry.contextLength("local:stories260k")).isEmpty();
        assertThat(registry.find("acme:later")).isEmpty();
        model("acme/later", "{}");
        assertThat(registry.exists("acme:later")).isTrue();
    }

    @Test
    void registeredModelsAreDurableAndUnique() throws IOException {
        model("meetkai/functionary-medium", "{}");
        ModelRegistry registry = open();
        RegisteredModel ft = new RegisteredModel("ft:meetkai:functionary-medium:bot", root.resolve("out/final"), 1700000000,
                "org_x", ModelKind.FINE_TUNED, "meetkai:functionary-medium", "ftjob_1");
        registry.register(ft);
        assertThatThrownBy(() -> registry.register(ft)).isInstanceOf(IllegalStateException.class)
                .hasMessage("model id already registered: ft:meetkai:functionary-medium:bot");
        assertThatThrownBy(() -> registry.register(new RegisteredModel("a:b", root, 1, "a", ModelKind.BASE, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        ModelRegistry reopened = open();
        assertThat(reopened.find(ft.id())).isEqualTo(Optional.of(ft));
        assertThat(reopened.list()).extracting(RegisteredModel::id)
                .containsExactly("meetkai:functionary-medium", "ft:meetkai:functionary-medium:bot");
        assertThat(reopened.unregister(ft.id())).isTrue();
        assertThat(open().exists(ft.id())).isFalse();
    }
}
