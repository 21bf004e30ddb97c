package com.mka1.core.safetensors;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.storage.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Map<String, JsonValue> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, JsonValue> meta = new LinkedHashMap<>();
            metadata.forEach((k, v) -> meta.put(k, JsonValue.of(v)));
            header.put("__metadata__", new JsonValue.Obj(meta));
        }
        long offset = 0;
        for (Entry e : entries) {
            long elements = 1;
            for (int d : e.shape()) elements *= d;
            if (elements != e.length()) {
                throw new IllegalArgumentException("tensor " + e.name() + ": shape " + Arrays.toString(e.shape())
                        + " needs " + elements + " values, got " + e.length());
            }
            long bytes = elements * (e instanceof Entry.F32 ? 4 : 2);
            Map<String, JsonValue> info = new LinkedHashMap<>();
            info.put("dtype", new JsonValue.Str(e instanceof Entry.F32 ? "F32" : "BF16"));
            info.put("shape", new JsonValue.Arr(Arrays.stream(e.shape()).<JsonValue>mapToObj(JsonValue.Num::of).toList()));
            info.put("data_offsets", new JsonValue.Arr(List.of(JsonValue.Num.of(offset), JsonValue.Num.of(offset + bytes))));
            if (header.put(e.name(), new JsonValue.Obj(info)) != null) throw new IllegalArgumentException("tensor " + e.name() + " given twice");
            offset += bytes;
        }
        byte[] json = Json.writeBytes(Json.VALUE, new JsonValue.Obj(header));
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        try {
            AtomicFiles.write(path, out -> {
                out.write(head.array());
                for (Entry e : entries) writeData(out, e);
            });
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + path, ex);
        }
    }

    private static void writeData(OutputStream out, Entry e) throws IOException {
        final int chunk = 1 << 20;
        switch (e) {
            case Entry.F32 f -> {
                for (int start = 0; start < f.data().length; start += chunk) {
                    int n = Math.min(chunk, f.data().length - start);
                    ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(f.data(), start, n);
                    out.write(b.array());
                }
            }
            case Entry.Bf16 h -> {
                for (int start = 0; start < h.data().length; start += chunk) {
                    int n = Math.min(chunk, h.data().length - start);
                    ByteBuffer b = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
                    b.asShortBuffer().put(h.data(), start, n);
                    out.write(b.array());
                }
            }
        }
    }
}
