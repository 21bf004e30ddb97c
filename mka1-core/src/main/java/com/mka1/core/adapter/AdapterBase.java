package com.mka1.core.adapter;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which base model an adapter directory of the models directory runs on: the id in its
 * {@value #MAPPING_FILE} ({@code {"base_model": "owner:name"}}, written by {@code mka1 models add
 * --base}), else its {@code base_model_name_or_path} read as a model id ({@code owner:name}), a
 * hub repo id ({@code owner/name} served as {@code owner:name}), a path of a model directory, or a
 * bare name ({@code local:name}, else the one model of any owner with that name). Only base models
 * count: an adapter of the models directory is shared by every caller, so it never runs on a
 * fine-tuned model, which belongs to the end user of its job.
 */
public final class AdapterBase {
    /** The explicit mapping beside adapter_config.json. */
    public static final String MAPPING_FILE = "mka1_adapter.json";

    private AdapterBase() {}

    /** The base model of {@code adapterDir}, or empty when it names none that is in the registry. */
    public static Optional<RegisteredModel> resolve(ModelRegistry registry, Path adapterDir, AdapterConfig config) {
        return resolveAny(registry, adapterDir, config).filter(m -> m.kind() == ModelKind.BASE);
    }

    private static Optional<RegisteredModel> resolveAny(ModelRegistry registry, Path adapterDir, AdapterConfig config) {
        String mapped = mappedBase(adapterDir);
        if (mapped != null) return registry.find(mapped);
        String name = config.baseModel();
        if (name == null || name.isBlank()) return Optional.empty();
        Optional<RegisteredModel> found = registry.find(name);
        if (found.isEmpty() && name.matches("[^/:]+/[^/:]+")) found = registry.find(name.replace('/', ':'));
        if (found.isEmpty()) {
            Path asPath = adapterDir.resolve(name).toAbsolutePath().normalize();
            found = registry.list().stream().filter(m -> m.dir().equals(asPath)).findFirst();
        }
        if (found.isEmpty() && !name.contains(":")) found = registry.find(ModelRegistry.LOCAL_OWNER + ":" + name);
        if (found.isEmpty()) {
            String last = Path.of(name).getFileName().toString();
            List<RegisteredModel> named = registry.list().stream().filter(m -> m.id().endsWith(":" + last) && m.kind() == ModelKind.BASE)
                    .toList();
            if (named.size() == 1) found = Optional.of(named.getFirst());
        }
        return found;
    }

    /** What resolution looks for, for error messages. */
    public static String describe(Path adapterDir, AdapterConfig config) {
        String mapped = mappedBase(adapterDir);
        return mapped != null ? "'" + mapped + "' (" + MAPPING_FILE + ")"
                : "'" + config.baseModel() + "' (base_model_name_or_path)";
    }

    /** Writes the explicit mapping of {@code adapterDir} to {@code baseModelId}. */
    public static void writeMapping(Path adapterDir, String baseModelId) {
        try {
            Files.writeString(adapterDir.resolve(MAPPING_FILE), Json.write(Json.VALUE, new JsonValue.Obj(Map.of("base_model", new JsonValue.Str(baseModelId)))) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + adapterDir.resolve(MAPPING_FILE), e);
        }
    }

    private static String mappedBase(Path adapterDir) {
        Path file = adapterDir.resolve(MAPPING_FILE);
        if (!Files.isRegularFile(file)) return null;
        try {
            JsonValue base = Json.field(Json.parseObject(Files.readAllBytes(file), file.toString()), "base_model");
            if (!(base instanceof JsonValue.Str(String s)) || s.isBlank()) {
                throw new UnsupportedAdapterException(file + ": field base_model must name a model id");
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
