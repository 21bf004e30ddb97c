package com.mka1.core.inference;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded models by id, with a least-recently-used bound on their total memory. A model loads on
 * first use; work on one model is serialised (one request at a time holds it), work on different
 * models runs in parallel. A model in use is never evicted, so the bound may be exceeded while
 * every cached model is busy; it is restored as they are released.
 */
public final class ModelCache<M extends CachedModel> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelCache.class);

    private final long maxBytes;
    // access-ordered: iteration starts at the least recently used model
    private final LinkedHashMap<String, Entry<M>> entries = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry<M> {
        final String id;
        final ReentrantLock lock = new ReentrantLock();
        M model;
        int users;
        boolean evicted;

        Entry(String id) {
            this.id = id;
        }
    }

    public ModelCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Runs {@code work} on the model cached under {@code id}, loading it with {@code loader} first
     * when needed (a loader that throws caches nothing), while holding it exclusively.
     */
    public <T> T withModel(String id, Supplier<M> loader, Function<M, T> work) {
        Entry<M> entry;
        while (true) {
            synchronized (this) {
                entry = entries.computeIfAbsent(id, Entry::new);
                entry.users++;
            }
            entry.lock.lock();
            if (!entry.evicted) {
                break;
            }
            // removed (unloaded or load failed) while we waited: start over with a fresh entry
            entry.lock.unlock();
            release(entry);
        }
        try {
            if (entry.model == null) {
                entry.model = load(entry, loader);
                evictOverBudget();
            }
            return work.apply(entry.model);
        } finally {
            entry.lock.unlock();
            release(entry);
        }
    }

    private M load(Entry<M> entry, Supplier<M> loader) {
        long start = System.nanoTime();
        try {
            M model = Objects.requireNonNull(loader.get(), "loader returned null for " + entry.id);
            log.info("loaded model {} ({} MiB) in {} ms", entry.id, model.memoryBytes() >> 20, (System.nanoTime() - start) / 1_000_000);
            return model;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                entry.evicted = true;
                entries.remove(entry.id, entry);
            }
            throw e;
        }
    }

    private void release(Entry<M> entry) {
        synchronized (this) {
            entry.users--;
        }
        evictOverBudget();
    }

    /** Closes least recently used idle models until the total fits the bound. */
    private void evictOverBudget() {
        List<M> toClose = new ArrayList<>();
        synchronized (this) {
            long total = 0;
            for (Entry<M> e : entries.values()) {
                total += e.model == null ? 0 : e.model.memoryBytes();
            }
            Iterator<Entry<M>> it = entries.values().iterator();
            while (total > maxBytes && it.hasNext()) {
                Entry<M> e = it.next();
                if (e.users == 0 && e.model != null) {
                    total -= e.model.memoryBytes();
                    toClose.add(e.model);
                    e.evicted = true;
                    it.remove();
                    log.info("evicted model {} from the cache (memory bound {} MiB)", e.id, maxBytes >> 20);
                }
            }
        }
        toClose.forEach(CachedModel::close);
    }

    /** Drops a model (after its files were deleted), waiting for a request that uses it. */
    public void invalidate(String id) {
        Entry<M> entry;
        synchronized (this) {
            entry = entries.get(id);
        }
        if (entry == null) {
            return;
        }
        entry.lock.lock();
        try {
            synchronized (this) {
                entry.evicted = true;
                entries.remove(id, entry);
            }
            if (entry.model != null) {
                entry.model.close();
                entry.model = null;
            }
        } finally {
            entry.lock.unlock();
        }
    }

    /** Ids of the loaded models, least recently used first. */
    public synchronized List<String> loadedIds() {
        return entries.values().stream().filter(e -> e.model != null).map(e -> e.id).toList();
    }

    @Override
    public void close() {
        List<Entry<M>> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        for (Entry<M> e : all) {
            e.lock.lock();
            try {
                e.evicted = true;
                if (e.model != null) {
                    e.model.close();
                    e.model = null;
                }
            } finally {
                e.lock.unlock();
            }
        }
    }

    /** The total memory of loaded models. */
    public synchronized long memoryBytes() {
        long total = 0;
        for (Map.Entry<String, Entry<M>> e : entries.entrySet()) {
            total += e.getValue().model == null ? 0 : e.getValue().model.memoryBytes();
        }
        return total;
    }
}
