package com.mka1.core.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@code .safetensors} file: tensors in the given order, header padded with spaces to
 * 8 bytes, written to a temporary file, forced to disk and renamed into place.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /** A tensor to write: F32 from floats or BF16 from raw bit patterns. */
    public sealed interface Entry {
        String name();

        int[] shape();

        int length();

        /** F32 data. */
        record F32(String name, int[] shape, float[] data) implements Entry {
            public int length() {
                return data.length;
            }
        }

        /** BF16 data as raw bit patterns. */
        record Bf16(String name, int[] shape, short[] data) implements Entry {
            public int length() {
                return data.length;
            }
        }
    }

    public static void write(Path path, List<Entry> entries, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<String, Object>(metadata));
        long offset = 0;
        for (Entry e : entries) {
            long elements = 1;
            for (int d : e.shape()) elements *= d;
            if (elements != e.length()) {
                throw new IllegalArgumentException("tensor " + e.name() + ": shape " + Arrays.toString(e.shape())
                        + " needs " + elements + " values, got " + e.length());
            }
            long bytes = elements * (e instanceof Entry.F32 ? 4 : 2);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e instanceof Entry.F32 ? "F32" : "BF16");
            info.put("shape", Arrays.stream(e.shape()).boxed().map(Object.class::cast).toList());
            info.put("data_offsets", List.of(offset, offset + bytes));
            if (header.put(e.name(), info) != null) throw new IllegalArgumentException("tensor " + e.name() + " given twice");
            offset += bytes;
        }
        byte[] json = JsonTree.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            writeFully(ch, head.flip());
            for (Entry e : entries) writeData(ch, e);
            ch.force(true);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + path, ex);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + path, ex);
        }
    }

    private static void writeData(FileChannel ch, Entry e) throws IOException {
        final int chunk = 1 << 20;
        switch (e) {
            case Entry.F32 f -> {
                for (int start = 0; start < f.data().length; start += chunk) {
                    int n = Math.min(chunk, f.data().length - start);
                    ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(f.data(), start, n);
                    writeFully(ch, b);
                }
            }
            case Entry.Bf16 h -> {
                for (int start = 0; start < h.data().length; start += chunk) {
                    int n = Math.min(chunk, h.data().length - start);
                    ByteBuffer b = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
                    b.asShortBuffer().put(h.data(), start, n);
                    writeFully(ch, b);
                }
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
