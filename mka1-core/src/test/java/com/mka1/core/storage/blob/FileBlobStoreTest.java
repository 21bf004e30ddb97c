package com.mka1.core.storage.blob;

import com.mka1.core.contract.BlobStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

class FileBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;

    @Override
    protected BlobStore newStore() throws IOException {
        return new FileBlobStore(dir);
    }

    @Override
    protected BlobStore reopen() throws IOException {
        return new FileBlobStore(dir);
    }
}
