package com.mka1.core.safetensors;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One memory-mapped {@code .safetensors} file (any size: data is addressed through a
 * {@link MemorySegment}, never a 2 GiB ByteBuffer). Tensors are converted on read: to floats
 * from F32/F16/BF16, or to raw bfloat16 bits from BF16. Closing unmaps the file.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps {@code path} and parses its header. */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new SafetensorsFormatException(path + ": too short for a safetensors header");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = all.get(U64, 0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new SafetensorsFormatException(path + ": header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            byte[] header = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment body = all.asSlice(8 + headerLen);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, header, body.byteSize(), metadata);
            return new SafetensorsFile(path, arena, body, tensors, metadata);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read " + path, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, byte[] header, long bodySize, Map<String, String> metadata) {
        JsonValue.Obj root;
        try {
            root = Json.parseObject(header, path + " header");
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(e.getMessage(), e);
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (var e : root.fields().entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof JsonValue.Obj m) m.fields().forEach((k, v) -> metadata.put(k, Json.text(v)));
                continue;
            }
            String where = path + ": tensor " + name;
            if (!(e.getValue() instanceof JsonValue.Obj entry)
                    || !(entry.get("dtype") instanceof JsonValue.Str(String dtype))
                    || !(entry.get("shape") instanceof JsonValue.Arr(List<JsonValue> shapeList))
                    || !(entry.get("data_offsets") instanceof JsonValue.Arr(List<JsonValue> offsets)) || offsets.size() != 2) {
                throw new SafetensorsFormatException(where + ": entry needs dtype, shape and data_offsets [begin, end]");
            }
            int[] shape = new int[shapeList.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(Json.integerOrNull(shapeList.get(i)) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                    throw new SafetensorsFormatException(where + ": bad dimension " + Json.text(shapeList.get(i)));
                }
                shape[i] = d.intValue();
            }
            if (!(Json.integerOrNull(offsets.get(0)) instanceof Long begin) || !(Json.integerOrNull(offsets.get(1)) instanceof Long end)) {
                throw new SafetensorsFormatException(where + ": data_offsets must be integers");
            }
            TensorInfo info = new TensorInfo(name, StoredDType.parse(dtype, where), shape, begin, end);
            if (begin < 0 || end > bodySize || end - begin != info.elements() * info.dtype().bytes()) {
                throw new SafetensorsFormatException(where + ": data_offsets [" + begin + ", " + end + ") do not match "
                        + info.elements() + " x " + dtype + " inside " + bodySize + " data bytes");
            }
            tensors.put(name, info);
        }
        return Collections.unmodifiableMap(tensors);
    }

    public Path path() {
        return path;
    }

    /** Header entries by name, in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new MissingTensorException("tensor " + name + " not found in " + path);
        return info;
    }

    /** The tensor's values as floats, converted from F32, F16 or BF16. */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        int n = elementCount(info);
        float[] out = new float[n];
        switch (info.dtype()) {
            case F32 -> MemorySegment.copy(data, F32, info.begin(), out, 0, n);
            case F16 -> {
                short[] raw = raw16(info, n);
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(raw[i]);
            }
            case BF16 -> {
                short[] raw = raw16(info, n);
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((raw[i] & 0xFFFF) << 16);
            }
        }
        return out;
    }

    /** The raw bfloat16 bit patterns of a BF16 tensor. */
    public short[] readBf16(String name) {
        TensorInfo info = info(name);
        if (info.dtype() != StoredDType.BF16) {
            throw new IllegalArgumentException("tensor " + name + " in " + path + " is " + info.dtype() + ", not BF16");
        }
        return raw16(info, elementCount(info));
    }

    private short[] raw16(TensorInfo info, int n) {
        short[] raw = new short[n];
        MemorySegment.copy(data, U16, info.begin(), raw, 0, n);
        return raw;
    }

    private int elementCount(TensorInfo info) {
        long n = info.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new UnsupportedOperationException("tensor " + info.name() + " has " + n + " elements, more than one Java array holds");
        }
        return (int) n;
    }

    /** Names in file order. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    @Override
    public void close() {
        arena.close();
    }
}
