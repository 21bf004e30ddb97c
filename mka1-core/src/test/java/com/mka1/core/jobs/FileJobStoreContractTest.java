package com.mka1.core.jobs;

import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.contract.JobStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

class FileJobStoreContractTest extends JobStoreContract {
    @TempDir
    Path dir;

    @Override
    protected JobStore newStore() throws IOException {
        return new FileJobStore(dir);
    }

    @Override
    protected JobStore reopen() throws IOException {
        return new FileJobStore(dir);
    }
}
