package com.mka1.store.postgres;

import com.mka1.store.postgres.testing.LocalPostgres;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.contract.JobStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The store contract against a real PostgreSQL; {@link #reopen} is a second server's connection pool. */
class PostgresJobStoreContractTest extends JobStoreContract {
    @TempDir
    Path scratch;
    private PostgresUrl url;
    private final List<PostgresJobStore> opened = new ArrayList<>();

    @Override
    protected JobStore newStore() throws IOException {
        try {
            url = LocalPostgres.get().newDatabase();
        } catch (Exception e) {
            throw new IOException(e);
        }
        return reopen();
    }

    @Override
    protected JobStore reopen() throws IOException {
        PostgresJobStore store = PostgresJobStore.open(url, 2, scratch);
        opened.add(store);
        return store;
    }

    @AfterEach
    void close() {
        opened.forEach(PostgresJobStore::close);
    }
}
