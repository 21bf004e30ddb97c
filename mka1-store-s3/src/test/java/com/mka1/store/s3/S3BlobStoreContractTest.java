package com.mka1.store.s3;

import com.mka1.store.s3.testing.LocalS3;
import com.mka1.core.contract.BlobStoreContract;
import com.mka1.core.storage.blob.BlobStore;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The blob contract against a real S3-protocol server; {@link #reopen} is a second server's client. */
class S3BlobStoreContractTest extends BlobStoreContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private S3Location location;
    private final List<S3BlobStore> opened = new ArrayList<>();

    @Override
    protected BlobStore newStore() throws IOException {
        location = S3Location.parse("s3://mka1-test-" + BUCKETS.incrementAndGet() + "/deploy/blobs");
        return reopen();
    }

    @Override
    protected BlobStore reopen() throws IOException {
        try {
            S3BlobStore store = S3BlobStore.open(location, LocalS3.settings());
            opened.add(store);
            return store;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @AfterEach
    void close() {
        opened.forEach(S3BlobStore::close);
    }
}
