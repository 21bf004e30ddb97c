package com.mka1.core.export;

import com.mka1.spi.Bf16;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file (the llama.cpp format): metadata key/values, tensor infos, then tensor
 * data, each tensor aligned to {@value #ALIGNMENT} bytes. Tensors are given in Hugging Face
 * row-major order ({@code [rows, cols]}); GGUF lists dimensions innermost first, so the bytes are
 * the same. Q8_0 quantises like ggml's {@code quantize_row_q8_0_ref}.
 */
final class GgufWriter {
    static final int ALIGNMENT = 32;
    private static final int UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9;

    /** A tensor to write: values row-major, {@code shape} outermost first (HF order). */
    record Tensor(String name, int[] shape, float[] values, GgufType type) {}

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    GgufWriter put(String key, Object value) {
        if (value != null) metadata.put(key, value);
        return this;
    }

    /** A uint32 value (Java ints are written as uint32, see {@link #putInt32} for int32). */
    GgufWriter putUint(String key, long value) {
        metadata.put(key, new Uint32(value));
        return this;
    }

    void add(Tensor t) {
        tensors.add(t);
    }

    private record Uint32(long value) {}

    /** An array of int32 values. */
    record Int32s(int[] values) {}

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            Bytes h = new Bytes();
            h.u32(0x46554747).u32(3).u64(tensors.size()).u64(metadata.size());
            for (var e : metadata.entrySet()) {
                h.string(e.getKey());
                value(h, e.getValue());
            }
            long offset = 0;
            List<Long> offsets = new ArrayList<>();
            for (Tensor t : tensors) {
                h.string(t.name()).u32(t.shape().length);
                for (int d = t.shape().length - 1; d >= 0; d--) h.u64(t.shape()[d]);
                h.u32(t.type().ggmlType()).u64(offset);
                offsets.add(offset);
                offset = align(offset + dataBytes(t));
            }
            byte[] header = h.toArray();
            out.write(header);
            out.write(new byte[(int) (align(header.length) - header.length)]);
            long written = 0;
            for (int i = 0; i < tensors.size(); i++) {
                out.write(new byte[(int) (offsets.get(i) - written)]);
                byte[] data = encode(tensors.get(i));
                out.write(data);
                written = offsets.get(i) + data.length;
            }
            out.write(new byte[(int) (align(written) - written)]);
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static long dataBytes(Tensor t) {
        int cols = t.shape()[t.shape().length - 1];
        return t.type().rowBytes(cols) * (t.values().length / cols);
    }

    static byte[] encode(Tensor t) {
        float[] v = t.values();
        ByteBuffer b = ByteBuffer.allocate((int) dataBytes(t)).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.type()) {
            case F32 -> { for (float x : v) b.putFloat(x); }
            case F16 -> { for (float x : v) b.putShort(Float.floatToFloat16(x)); }
            case BF16 -> { for (float x : v) b.putShort(Bf16.fromFloat(x)); }
            case Q8_0 -> {
                for (int start = 0; start < v.length; start += 32) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(v[start + j]));
                    float d = amax / 127f;
                    float id = d != 0 ? 1f / d : 0f;
                    b.putShort(Float.floatToFloat16(d));
                    for (int j = 0; j < 32; j++) b.put((byte) roundf(v[start + j] * id));
                }
            }
        }
        return b.array();
    }

    /** C's roundf: halves away from zero (Math.round takes -2.5 to -2). */
    private static float roundf(float x) {
        return Math.copySign((float) Math.floor(Math.abs(x) + 0.5f), x);
    }

    private static void value(Bytes h, Object v) {
        switch (v) {
            case String s -> h.u32(STRING).string(s);
            case Uint32 u -> h.u32(UINT32).u32((int) u.value());
            case Float f -> h.u32(FLOAT32).f32(f);
            case Double d -> h.u32(FLOAT32).f32(d.floatValue());
            case Boolean bool -> h.u32(BOOL).u8(bool ? 1 : 0);
            case Int32s ints -> {
                h.u32(ARRAY).u32(INT32).u64(ints.values().length);
                for (int i : ints.values()) h.u32(i);
            }
            case float[] floats -> {
                h.u32(ARRAY).u32(FLOAT32).u64(floats.length);
                for (float f : floats) h.f32(f);
            }
            case List<?> list -> {
                h.u32(ARRAY).u32(STRING).u64(list.size());
                for (Object s : list) h.string((String) s);
            }
            default -> throw new IllegalArgumentException("no GGUF type for " + v.getClass());
        }
    }

    /** A growable little-endian byte buffer for the header. */
    private static final class Bytes {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private Bytes room(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            return this;
        }

        Bytes u8(int v) {
            room(1).buf.put((byte) v);
            return this;
        }

        Bytes u32(int v) {
            room(4).buf.putInt(v);
            return this;
        }

        Bytes u64(long v) {
            room(8).buf.putLong(v);
            return this;
        }

        Bytes f32(float v) {
            room(4).buf.putFloat(v);
            return this;
        }

        Bytes string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            room(bytes.length).buf.put(bytes);
            return this;
        }

        byte[] toArray() {
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }
}
