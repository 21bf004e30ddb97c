package com.mka1.core.safetensors;

import com.mka1.core.testing.SharedDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {
    @Test
    void writesAndReadsF32AndBf16WithAlignedHeader(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, List.of(
                new SafetensorsWriter.Entry.F32("a", new int[] {2, 2}, new float[] {1, -2, 3.5f, 0}),
                new SafetensorsWriter.Entry.Bf16("b", new int[] {3}, new short[] {(short) 0x3F80, (short) 0xC000, 0x4049})),
                Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        assertThat(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8).strip()).isEqualTo(
                "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[16,22]}}");
        assertThat(bytes).hasSize(8 + (int) headerLen + 22);
        try (var f = SafetensorsFile.open(file)) {
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.readFloats("a")).containsExactly(1, -2, 3.5f, 0);
            assertThat(f.info("b").shape()).containsExactly(3);
            assertThat(f.readFloats("b")).containsExactly(1, -2, 3.140625f);
            assertThat(f.readBf16("b")).containsExactly((short) 0x3F80, (short) 0xC000, (short) 0x4049);
        }
    }

    /** A file written by hand, byte for byte, as the format specifies. */
    @Test
    void readsF16ConvertingToFloat(@TempDir Path dir) throws IOException {
        byte[] header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putShort((short) 0x3C00).putShort((short) 0xC500); // 1.0, -5.0
        Path file = dir.resolve("h.safetensors");
        Files.write(file, b.array());
        try (var f = SafetensorsFile.open(file)) {
            assertThat(f.readFloats("h")).containsExactly(1f, -5f);
            assertThatThrownBy(() -> f.readBf16("h")).hasMessageContaining("is F16, not BF16");
        }
    }

    @Test
    void shardedIndexResolvesTensorsAcrossFiles(@TempDir Path dir) throws IOException {
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                List.of(new SafetensorsWriter.Entry.F32("x", new int[] {1}, new float[] {7})), Map.of());
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                List.of(new SafetensorsWriter.Entry.F32("y", new int[] {2}, new float[] {8, 9})), Map.of());
        Files.writeString(dir.resolve("model.safetensors.index.json"), """
                {"metadata":{"total_size":12},"weight_map":{"x":"model-00001-of-00002.safetensors",
                 "y":"model-00002-of-00002.safetensors"}}""");
        try (var r = SafetensorsReader.openDirectory(dir)) {
            assertThat(r.names()).containsExactly("x", "y");
            assertThat(r.readFloats("y")).containsExactly(8, 9);
            assertThatThrownBy(() -> r.readFloats("z")).isInstanceOf(MissingTensorException.class)
                    .hasMessage("tensor z not found in the model's safetensors files");
            assertThatThrownBy(() -> r.info("y").requireShape(3)).isInstanceOf(TensorShapeException.class)
                    .hasMessage("tensor y has shape [2], the config implies [3]");
        }
    }

    @Test
    void malformedFilesFailNamingTheProblem(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        byte[] header = "{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        Files.write(bad, ByteBuffer.allocate(8 + header.length + 8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array());
        assertThatThrownBy(() -> SafetensorsFile.open(bad)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("tensor t: data_offsets [0, 8) do not match 4 x F32");
        Files.write(bad, new byte[] {1, 0, 0, 0, 0, 0, 0, 0x10, 0});
        assertThatThrownBy(() -> SafetensorsFile.open(bad)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("header length");
        assertThatThrownBy(() -> SafetensorsReader.openDirectory(dir)).isInstanceOf(MissingTensorException.class)
                .hasMessageStartingWith("no model.safetensors or model.safetensors.index.json in");
    }

    /** A sparse file: the tensor read lies beyond 2 GiB, where a ByteBuffer could not reach. */
    @Test
    void readsTensorsBeyondTwoGibibytes(@TempDir Path dir) throws IOException {
        long padBytes = 600_000_000L * 4;
        String json = "{\"pad\":{\"dtype\":\"F32\",\"shape\":[600000000],\"data_offsets\":[0," + padBytes + "]},"
                + "\"tail\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[" + padBytes + "," + (padBytes + 4) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("big.safetensors");
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.seek(8 + header.length + padBytes);
            raf.write(new byte[] {(byte) 0x80, 0x3F, 0x00, (byte) 0xC1}); // bf16 1.0, -8.0
        }
        try (var f = SafetensorsFile.open(file)) {
            assertThat(f.readFloats("tail")).containsExactly(1f, -8f);
        }
    }

    @Test
    void readsTheRealStories260kCheckpoint() {
        try (var r = SafetensorsReader.openDirectory(SharedDir.resolve("models/stories260k"))) {
            assertThat(r.names()).hasSize(1 + 5 * 9 + 1).doesNotContain("lm_head.weight");
            assertThat(r.info("model.embed_tokens.weight").shape()).containsExactly(512, 64);
            assertThat(r.info("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(32, 64);
            long total = r.names().stream().mapToLong(n -> r.info(n).elements()).sum();
            // 512*64 embedding + 5 layers of (2*64 norms + 4096+2048+2048+4096 attention + 3*11008 MLP) + 64 final norm
            assertThat(total).isEqualTo(32_768 + 5 * (128 + 12_288 + 33_024) + 64);
        }
    }
}
