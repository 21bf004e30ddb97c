package com.mka1.core.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.Json;
import com.mka1.core.json.JsonCodec;
import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.storage.StorageFailures;
import com.mka1.core.storage.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Model ids to directories. Base models are the directories {@code <modelsDir>/<owner>/<name>/}
 * holding a {@code config.json} (or a PEFT adapter's {@code adapter_config.json}), served as {@code owner:name} (a directory directly under the
 * models directory is served as {@code local:<name>}); the directory is rescanned when an id is
 * not found, so models copied in later appear without a restart. Fine-tuned and checkpoint
 * models are registered by jobs and kept durably in one JSON file, or, when servers share a
 * {@link BlobStore}, published there ({@link SharedModels}) so every server finds them: the
 * shared record decides whether such a model exists, and a server fetches its files once into a
 * local cache. Thread-safe.
 */
public class ModelRegistry {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    /** Owner of models found directly under the models directory. */
    public static final String LOCAL_OWNER = "local";

    private final Path modelsDir;
    private final Path registryFile;
    private final Map<String, RegisteredModel> base = new LinkedHashMap<>();
    /** Registered here; with a shared store, the models this server published (in memory only). */
    private final Map<String, RegisteredModel> registered = new LinkedHashMap<>();
    /** Where fine-tuned models are shared with other servers, or null (the registry file is the only record). */
    private final SharedModels shared;

    protected ModelRegistry(Path modelsDir, Path registryFile) {
        this(modelsDir, registryFile, null);
    }

    private ModelRegistry(Path modelsDir, Path registryFile, SharedModels shared) {
        this.modelsDir = modelsDir;
        this.registryFile = registryFile;
        this.shared = shared;
    }

    /** Scans {@code modelsDir} (may be null: no base models) and loads {@code registryFile} if present. */
    public static ModelRegistry open(Path modelsDir, Path registryFile) throws IOException {
        ModelRegistry r = new ModelRegistry(modelsDir, registryFile);
        r.load();
        return r;
    }

    /**
     * As {@link #open(Path, Path)}, with fine-tuned and checkpoint models shared with other servers
     * through {@code blobs}; models another server published are fetched into {@code cacheDir}, and
     * {@code dropped} is told the id of a model whose copy there is removed or replaced (deleted
     * through another server), so a loaded copy is dropped too. Models {@code registryFile} holds
     * from before (this server alone) are published once, then the file is renamed to
     * {@code <name>.published}.
     */
    public static ModelRegistry open(Path modelsDir, Path registryFile, BlobStore blobs, Path cacheDir,
                                     Consumer<String> dropped) throws IOException {
        ModelRegistry r = new ModelRegistry(modelsDir, registryFile, new SharedModels(blobs, cacheDir, dropped));
        r.load();
        r.publishUnshared();
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

    /** The model with this id, if any (with a shared store, fetched here first when another server published it). */
    public Optional<RegisteredModel> find(String id) {
        return shared == null || isBase(id) ? findHere(id) : findShared(id, true);
    }

    /**
     * The model with this id, if any, as {@link #find} without fetching its files: what the models
     * API shows and deletes, and what a request is checked against. Its directory may not exist here yet.
     */
    public Optional<RegisteredModel> describe(String id) {
        return shared == null || isBase(id) ? findHere(id) : findShared(id, false);
    }

    /**
     * The fine-tuned or checkpoint model this server registered under {@code id}, as registered
     * (its directory may be gone), without asking the shared store or fetching anything.
     */
    public synchronized Optional<RegisteredModel> registeredHere(String id) {
        return Optional.ofNullable(registered.get(id));
    }

    private synchronized Optional<RegisteredModel> findHere(String id) {
        RegisteredModel m = lookup(id);
        if (m == null && !id.startsWith("ft:")) {
            rescan();
            m = lookup(id);
        }
        return Optional.ofNullable(m);
    }

    /** Whether a model has this id (with a shared store, without fetching it). */
    public boolean exists(String id) {
        if (shared == null || isBase(id)) return findHere(id).isPresent();
        try {
            return shared.exists(id);
        } catch (IOException e) {
            throw unreachable(id, e);
        }
    }

    /**
     * Every model: base models by id, then registered ones in registration order (with a shared
     * store: in order of publication, each with the directory it has or will have here).
     */
    public List<RegisteredModel> list() {
        List<SharedModels.Published> published = List.of();
        if (shared != null) {
            try {
                published = shared.list();
            } catch (IOException e) {
                throw unreachable("list", e);
            }
        }
        synchronized (this) {
            rescan();
            List<RegisteredModel> out = new ArrayList<>(base.values());
            out.sort(Comparator.comparing(RegisteredModel::id));
            if (shared == null) {
                out.addAll(registered.values());
            } else {
                for (SharedModels.Published p : published) {
                    RegisteredModel here = registered.get(p.model().id());
                    out.add(here != null && sameModel(here, p.model()) ? here : p.model());
                }
            }
            return out;
        }
    }

    /**
     * A fine-tuned or checkpoint model as the shared store has it: gone when its record is (and
     * then forgotten here), this server's own directory when it registered it, else this server's
     * copy, fetched the first time ({@code fetch}: else where it will be).
     */
    private Optional<RegisteredModel> findShared(String id, boolean fetch) {
        try {
            Optional<SharedModels.Published> published = shared.record(id);
            if (published.isEmpty()) {
                synchronized (this) {
                    registered.remove(id);
                }
                shared.forget(id);
                return Optional.empty();
            }
            synchronized (this) {
                RegisteredModel here = registered.get(id);
                if (here != null && sameModel(here, published.get().model())) return Optional.of(here);
            }
            return Optional.of(fetch ? shared.fetch(published.get()) : published.get().model());
        } catch (IOException e) {
            throw unreachable(id, e);
        }
    }

    /** The same model (not an id deleted and used again by another job). */
    private static boolean sameModel(RegisteredModel a, RegisteredModel b) {
        return Objects.equals(a.jobId(), b.jobId()) && a.kind() == b.kind() && a.created() == b.created();
    }

    private synchronized boolean isBase(String id) {
        return base.containsKey(id) || !id.startsWith("ft:");
    }

    /** A 500 naming the shared store (a 507 when it is this server's disk that is full, fetching a copy). */
    private static RuntimeException unreachable(String what, IOException e) {
        return StorageFailures.toApi("Could not read the shared model store (" + what + ")", e);
    }

    /** Publishes the models the registry file holds from before this server shared its models, then sets the file aside. */
    private void publishUnshared() throws IOException {
        if (registered.isEmpty()) return;
        for (RegisteredModel m : List.copyOf(registered.values())) {
            if (!shared.exists(m.id()) && Files.isDirectory(m.dir())) shared.publish(m, System.currentTimeMillis());
        }
        Files.move(registryFile, registryFile.resolveSibling(registryFile.getFileName() + ".published"),
                StandardCopyOption.REPLACE_EXISTING);
        log.info("published {} models registered before this server shared them", registered.size());
    }

    /**
     * Records a fine-tuned or checkpoint model durably. An id already registered is refused
     * (ids name one model forever).
     */
    public void register(RegisteredModel model) {
        if (model.kind() == ModelKind.BASE) throw new IllegalArgumentException("base models come from the models directory: " + model.id());
        if (shared != null) {
            publish(model);
            return;
        }
        synchronized (this) {
            registerHere(model);
        }
        log.info("registered model {} at {}", model.id(), model.dir());
    }

    /** Published (files, then the record: from then on every server finds it), then known here by its directory. */
    private void publish(RegisteredModel model) {
        try {
            if (shared.exists(model.id())) throw new IllegalStateException("model id already registered: " + model.id());
            shared.publish(model, System.currentTimeMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("could not publish model " + model.id(), e);
        }
        synchronized (this) {
            registered.put(model.id(), model);
        }
    }

    private void registerHere(RegisteredModel model) {
        if (lookup(model.id()) != null) throw new IllegalStateException("model id already registered: " + model.id());
        registered.put(model.id(), model);
        try {
            persist();
        } catch (IOException e) {
            registered.remove(model.id());
            throw new UncheckedIOException("could not record model " + model.id(), e);
        }
    }

    /**
     * Removes a registered (never a base) model from the registry (with a shared store: from every
     * server, the shared record first); returns whether it was there.
     */
    public boolean unregister(String id) {
        if (shared != null) {
            try {
                boolean published = shared.delete(id);
                synchronized (this) {
                    return registered.remove(id) != null || published;
                }
            } catch (IOException e) {
                throw StorageFailures.toApi("Could not remove model " + id + " from the shared store", e);
            }
        }
        synchronized (this) {
            return unregisterHere(id);
        }
    }

    private boolean unregisterHere(String id) {
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
            ModelEntryJson.writeFields(g, m);
            g.writeStringField("dir", m.dir().toString());
            g.writeEndObject();
        }

        @Override
        public RegisteredModel read(JsonValue json) {
            FieldReader r = FieldReader.of(json, "");
            return ModelEntryJson.read(r, Path.of(r.requiredString("dir")));
        }
    }
}
