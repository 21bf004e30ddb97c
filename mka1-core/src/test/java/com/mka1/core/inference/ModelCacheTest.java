package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelCacheTest {
    /** A model that is only its size; records closes. */
    private final class Blob implements CachedModel {
        final String id;
        final long bytes;

        Blob(String id, long bytes) {
            this.id = id;
            this.bytes = bytes;
        }

        @Override
        public long memoryBytes() {
            return bytes;
        }

        @Override
        public void close() {
            closed.add(id);
        }
    }

    private final List<String> loads = Collections.synchronizedList(new ArrayList<>());
    private final List<String> closed = Collections.synchronizedList(new ArrayList<>());

    /** A cache whose models are named "name=bytes"; names starting with "bad" fail to load. */
    private final class Blobs {
        final ModelCache<Blob> cache;

        Blobs(long max) {
            cache = new ModelCache<>(max);
        }

        <T> T withModel(String id, java.util.function.Function<Blob, T> work) {
            return cache.withModel(id, () -> load(id), work);
        }

        private Blob load(String id) {
            if (id.startsWith("bad")) {
                throw new IllegalArgumentException("no model " + id);
            }
            loads.add(id);
            return new Blob(id, Long.parseLong(id.substring(id.indexOf('=') + 1)));
        }
    }

    @Test
    void loadsOnFirstUseAndEvictsTheLeastRecentlyUsed() {
        Blobs cache = new Blobs(100);
        try (cache.cache) {
            String first = cache.withModel("a=40", b -> b.id);
            assertThat(first).isEqualTo("a=40");
            cache.withModel("b=40", b -> b.id);
            cache.withModel("a=40", b -> b.id); // a is now the most recent
            assertThat(loads).containsExactly("a=40", "b=40");
            cache.withModel("c=40", b -> b.id); // 120 > 100: b goes
            assertThat(closed).containsExactly("b=40");
            assertThat(cache.cache.loadedIds()).containsExactly("a=40", "c=40");
            assertThat(cache.cache.memoryBytes()).isEqualTo(80);
            cache.withModel("b=40", b -> b.id); // reloads, evicts a
            assertThat(loads).containsExactly("a=40", "b=40", "c=40", "b=40");
            assertThat(closed).containsExactly("b=40", "a=40");
        }
        assertThat(closed).containsExactlyInAnyOrder("b=40", "a=40", "c=40", "b=40");
    }

    @Test
    void aModelInUseIsNotEvicted() {
        Blobs cache = new Blobs(50);
        try (cache.cache) {
            cache.withModel("a=40", outer -> cache.withModel("b=40", inner -> {
                assertThat(closed).isEmpty(); // both in use: over the bound, nothing closed
                return null;
            }));
            // b is released first, while a is still busy: the idle one goes
            assertThat(closed).containsExactly("b=40");
            assertThat(cache.cache.loadedIds()).containsExactly("a=40");
        }
    }

    @Test
    void aFailedLoadIsNotCached() {
        Blobs cache = new Blobs(100);
        try (cache.cache) {
            assertThatThrownBy(() -> cache.withModel("bad=1", b -> b)).hasMessage("no model bad=1");
            assertThat(cache.cache.loadedIds()).isEmpty();
        }
    }

    @Test
    void invalidateClosesAndForgets() {
        Blobs cache = new Blobs(100);
        try (cache.cache) {
            cache.withModel("a=10", b -> b);
            cache.cache.invalidate("a=10");
            assertThat(closed).containsExactly("a=10");
            assertThat(cache.cache.loadedIds()).isEmpty();
            cache.withModel("a=10", b -> b);
            assertThat(loads).containsExactly("a=10", "a=10");
        }
    }

    @Test
    void requestsToOneModelAreSerialisedAndToTwoModelsRunTogether() throws Exception {
        Blobs cache = new Blobs(1000);
        try (cache.cache) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                threads.add(Thread.ofVirtual().start(() -> cache.withModel("a=10", b -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    sleep(5);
                    inside.decrementAndGet();
                    return null;
                })));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(maxInside.get()).isEqualTo(1);
            assertThat(loads).containsExactly("a=10");

            CountDownLatch both = new CountDownLatch(2);
            Thread other = Thread.ofVirtual().start(() -> cache.withModel("b=10", b -> {
                both.countDown();
                await(both);
                return null;
            }));
            boolean overlapped = cache.withModel("a=10", b -> {
                both.countDown();
                return await(both);
            });
            other.join();
            assertThat(overlapped).isTrue();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
