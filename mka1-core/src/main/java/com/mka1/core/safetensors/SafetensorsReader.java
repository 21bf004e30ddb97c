package com.mka1.core.safetensors;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a model directory: a single {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json} ({@code weight_map}: tensor name to file name). Looks
 * tensors up by name across shards.
 */
public final class SafetensorsReader implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> files;

    private SafetensorsReader(Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
        this.byTensor = byTensor;
        this.files = files;
    }

    /** Opens the weights of {@code modelDir}. */
    public static SafetensorsReader openDirectory(Path modelDir) {
        Path index = modelDir.resolve(INDEX_FILE);
        if (Files.exists(index)) return openIndex(index);
        Path single = modelDir.resolve(SINGLE_FILE);
        if (!Files.exists(single)) {
            throw new MissingTensorException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + modelDir);
        }
        return openFiles(List.of(single));
    }

    /** Opens explicit safetensors files (their tensor names must not repeat). */
    public static SafetensorsReader openFiles(List<Path> paths) {
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (Path p : paths) {
                SafetensorsFile f = SafetensorsFile.open(p);
                files.add(f);
                for (String name : f.tensors().keySet()) {
                    if (byTensor.putIfAbsent(name, f) != null) {
                        throw new SafetensorsFormatException("tensor " + name + " appears in both " + byTensor.get(name).path() + " and " + p);
                    }
                }
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsReader(byTensor, files);
    }

    private static SafetensorsReader openIndex(Path index) {
        JsonValue.Obj root;
        try {
            root = Json.parseObject(Files.readAllBytes(index), index.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index, e);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(e.getMessage(), e);
        }
        if (!(root.get("weight_map") instanceof JsonValue.Obj(Map<String, JsonValue> weightMap))) {
            throw new SafetensorsFormatException(index + ": missing object \"weight_map\"");
        }
        List<Path> shards = new ArrayList<>();
        for (JsonValue file : weightMap.values()) {
            Path p = index.resolveSibling(Json.text(file));
            if (!shards.contains(p)) shards.add(p);
        }
        SafetensorsReader reader = openFiles(shards);
        for (var e : weightMap.entrySet()) {
            SafetensorsFile f = reader.byTensor.get(e.getKey());
            if (f == null || !f.path().getFileName().toString().equals(Json.text(e.getValue()))) {
                reader.close();
                throw new SafetensorsFormatException(index + ": weight_map puts " + e.getKey() + " in " + Json.text(e.getValue())
                        + ", but that file does not hold it");
            }
        }
        return reader;
    }

    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    public float[] readFloats(String name) {
        return file(name).readFloats(name);
    }

    public short[] readBf16(String name) {
        return file(name).readBf16(name);
    }

    /** Every tensor name, in file order. */
    public List<String> names() {
        return List.copyOf(byTensor.keySet());
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) throw new MissingTensorException("tensor " + name + " not found in the model's safetensors files");
        return f;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
