package com.mka1.core.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.Json;
import com.mka1.core.json.JsonCodec;
import com.mka1.core.storage.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Model ids to directories. Base models are the directories {@code <modelsDir>/<owner>/<name>/}
 * holding a {@code config.json} (or a PEFT adapter's {@code adapter_config.json}), served as {@code owner:name} (a directory directly under the
 * models directory is served as {@code local:<name>}); the directory is rescanned when an id is
 * not found, so models copied in later appear without a restart. Fine-tuned and checkpoint
 * models are registered by jobs and kept durably in one JSON file. Thread-safe.
 */
public class ModelRegistry {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    /** Owner of models found directly under the models directory. */
    public static final String LOCAL_OWNER = "local";

    private final Path modelsDir;
    private final Path registryFile;
    private final Map<String, RegisteredModel> base = new LinkedHashMap<>();
    private final Map<String, RegisteredModel> registered = new LinkedHashMap<>();

    protected ModelRegistry(Path modelsDir, Path registryFile) {
        this.modelsDir = modelsDir;
        this.registryFile = registryFile;
    }

    /** Scans {@code modelsDir} (may be null: no base models) and loads {@code registryFile} if present. */
    public static ModelRegistry open(Path modelsDir, Path registryFile) throws IOException {
        ModelRegistry r = new ModelRegistry(modelsDir, registryFile);
        r.load();
        return r;
    }

    protected synchronized void load() throws IOException {
        rescan();
        if (Files.exists(registryFile)) {
            JsonValue json = Json.parse(Files.readAllBytes(registryFile));
            for (JsonValue item : FieldReader.of(json, "").array("models")) {
                RegisteredModel m = EntryCodec.INSTANCE.read(item);
                registered.put(m.id(), m);
            }
        }
        log.info("model registry: {} base, {} registered", base.size(), registered.size());
    }

    /** The model with this id, if any. */
    public synchronized Optional<RegisteredModel> find(String id) {
        RegisteredModel m = lookup(id);
        if (m == null && !id.startsWith("ft:")) {
            rescan();
            m = lookup(id);
        }
        return Optional.ofNullable(m);
    }

    public boolean exists(String id) {
        return find(id).isPresent();
    }

    /** Every model: base models by id, then registered ones in registration order. */
    public synchronized List<RegisteredModel> list() {
        rescan();
        List<RegisteredModel> out = new ArrayList<>(base.values());
        out.sort(Comparator.comparing(RegisteredModel::id));
        out.addAll(registered.values());
        return out;
    }

    /**
     * Records a fine-tuned or checkpoint model durably. An id already registered is refused
     * (ids name one model forever).
     */
    public synchronized void register(RegisteredModel model) {
        if (model.kind() == ModelKind.BASE) throw new IllegalArgumentException("base models come from the models directory: " + model.id());
        if (lookup(model.id()) != null) throw new IllegalStateException("model id already registered: " + model.id());
        registered.put(model.id(), model);
        try {
            persist();
        } catch (IOException e) {
            registered.remove(model.id());
            throw new UncheckedIOException("could not record model " + model.id(), e);
        }
        log.info("registered model {} at {}", model.id(), model.dir());
    }

    /** Removes a registered (never a base) model from the registry; returns whether it was there. */
    public synchronized boolean unregister(String id) {
        RegisteredModel removed = registered.remove(id);
        if (removed == null) return false;
        try {
            persist();
        } catch (IOException e) {
            registered.put(id, removed);
            throw new UncheckedIOException("could not remove model " + id, e);
        }
        return true;
    }

    /** The model's context length ({@code max_position_embeddings} of its config.json), if stated. */
    public Optional<Integer> contextLength(String id) {
        return find(id).flatMap(m -> {
            Path config = m.dir().resolve("config.json");
            if (!Files.isRegularFile(config)) return Optional.empty();
            try {
                return Optional.ofNullable(FieldReader.of(Json.parse(Files.readAllBytes(config)), "")
                        .integer("max_position_embeddings"));
            } catch (IOException | RuntimeException e) {
                log.warn("cannot read {}: {}", config, e.getMessage());
                return Optional.empty();
            }
        });
    }

    private RegisteredModel lookup(String id) {
        RegisteredModel m = registered.get(id);
        return m != null ? m : base.get(id);
    }

    private void rescan() {
        base.clear();
        if (modelsDir == null || !Files.isDirectory(modelsDir)) return;
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(modelsDir, Files::isDirectory)) {
            for (Path owner : owners) {
                String ownerName = owner.getFileName().toString();
                if (modelFile(owner) != null) {
                    addBase(LOCAL_OWNER, ownerName, owner);
                    continue;
                }
                try (DirectoryStream<Path> names = Files.newDirectoryStream(owner, Files::isDirectory)) {
                    for (Path name : names) {
                        if (modelFile(name) != null) addBase(ownerName, name.getFileName().toString(), name);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("cannot scan models directory {}: {}", modelsDir, e.getMessage());
        }
    }

    private void addBase(String owner, String name, Path dir) throws IOException {
        String id = owner + ":" + name;
        long created = Files.getLastModifiedTime(modelFile(dir)).toInstant().getEpochSecond();
        base.put(id, new RegisteredModel(id, dir.toAbsolutePath().normalize(), created, owner, ModelKind.BASE, null, null));
    }

    /** config.json of a model directory, else adapter_config.json of a PEFT adapter directory, else null. */
    private static Path modelFile(Path dir) {
        for (String name : new String[] {"config.json", "adapter_config.json"}) {
            if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
        }
        return null;
    }

    private void persist() throws IOException {
        List<RegisteredModel> snapshot = List.copyOf(registered.values());
        AtomicFiles.write(registryFile, Json.writeBytes(new JsonCodec<List<RegisteredModel>>() {
            @Override
            public void write(JsonGenerator g, List<RegisteredModel> models) throws IOException {
                g.writeStartObject();
                g.writeArrayFieldStart("models");
                for (RegisteredModel m : models) EntryCodec.INSTANCE.write(g, m);
                g.writeEndArray();
                g.writeEndObject();
            }

            @Override
            public List<RegisteredModel> read(JsonValue json) {
                throw new UnsupportedOperationException();
            }
        }, snapshot));
    }

    /** One registry entry on disk. */
    private static final class EntryCodec implements JsonCodec<RegisteredModel> {
        static final EntryCodec INSTANCE = new EntryCodec();

        @Override
        public void write(JsonGenerator g, RegisteredModel m) throws IOException {
            g.writeStartObject();
            g.writeStringField("id", m.id());
            g.writeStringField("dir", m.dir().toString());
            g.writeNumberField("created", m.created());
            g.writeStringField("owned_by", m.ownedBy());
            g.writeStringField("kind", m.kind().wireName());
            g.writeStringField("base_model", m.baseModel());
            g.writeStringField("job_id", m.jobId());
            g.writeEndObject();
        }

        @Override
        public RegisteredModel read(JsonValue json) {
            FieldReader r = FieldReader.of(json, "");
            return new RegisteredModel(r.requiredString("id"), Path.of(r.requiredString("dir")), r.longValue("created"),
                    r.requiredString("owned_by"), ModelKind.fromWire(r.requiredString("kind")), r.string("base_model"),
                    r.string("job_id"));
        }
    }
}
