package com.mka1.core.storage.blob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BlobTreesTest {
    @TempDir
    Path root;

    @Test
    void aTreeGoesUpUnderItsPrefixWithoutTempFilesAndComesBackTheSame() throws Exception {
        Path dir = Files.createDirectories(root.resolve("model/weights"));
        Files.writeString(root.resolve("model/config.json"), "{\"n\":1}");
        Files.writeString(dir.resolve("part-1.bin"), "abc");
        Files.writeString(dir.resolve(".part-2.bin123.tmp"), "half written");
        FileBlobStore blobs = new FileBlobStore(root.resolve("blobs"));

        assertThat(BlobTrees.upload(blobs, root.resolve("model"), "models/m/files/")).isEqualTo(2);
        assertThat(blobs.list("")).containsExactly("models/m/files/config.json", "models/m/files/weights/part-1.bin");

        assertThat(BlobTrees.download(blobs, "models/m/files/", root.resolve("copy"))).isEqualTo(2);
        assertThat(root.resolve("copy/config.json")).hasContent("{\"n\":1}");
        assertThat(root.resolve("copy/weights/part-1.bin")).hasContent("abc");
        try (var copied = Files.list(root.resolve("copy/weights"))) {
            assertThat(copied.map(p -> p.getFileName().toString())).containsExactly("part-1.bin");
        }
    }
}
