package com.mka1.store.s3;

import com.mka1.store.s3.testing.LocalS3;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BucketCreationTest {
    /**
     * Servers started together all find the bucket missing and all create it: the ones that lose
     * the race get "BucketAlreadyOwnedByYou" (409) and must start anyway (three `mka1 serve`
     * started at once by bench/three-nodes.sh failed on it).
     */
    @Test
    void serversStartedTogetherAllOpenTheBucketTheyRaceToCreate() throws Exception {
        S3Settings settings = LocalS3.settings();
        S3Location location = S3Location.parse("s3://mka1-race-" + System.nanoTime() + "/shared");
        int servers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<S3BlobStore>> opening = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(servers)) {
            for (int i = 0; i < servers; i++) {
                opening.add(pool.submit((Callable<S3BlobStore>) () -> {
                    start.await();
                    return S3BlobStore.open(location, settings);
                }));
            }
            start.countDown();
            List<S3BlobStore> stores = new ArrayList<>();
            for (Future<S3BlobStore> f : opening) stores.add(f.get());
            stores.getFirst().put("k", new ByteArrayInputStream("shared".getBytes(StandardCharsets.UTF_8)));
            try (InputStream in = stores.getLast().get("k")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("shared");
            }
            stores.forEach(S3BlobStore::close);
        }
    }
}
