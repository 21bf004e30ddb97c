package com.mka1.core.storage;

import com.mka1.api.InsufficientStorageException;
import com.mka1.api.Mka1Exception;
import com.mka1.api.ServerException;

import java.io.IOException;

/**
 * The one translation of a failed durable write into what a client sees: out of space is a 507
 * that says so, anything else a 500. Either way the write did not happen and the previous durable
 * state stands.
 */
public final class StorageFailures {
    private StorageFailures() {}

    /** Whether {@code e} (or a cause) is the file system running out of space or quota. */
    public static boolean outOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) return true;
        }
        return false;
    }

    /** {@code what} failed ("Could not save job ftjob_…") because of {@code e}. */
    public static Mka1Exception toApi(String what, IOException e) {
        if (outOfSpace(e)) {
            return new InsufficientStorageException(what + ": the server's data directory is full. Nothing was changed;"
                    + " retry once space is freed.", e);
        }
        return new ServerException(what + ": " + e.getMessage(), null, null, e);
    }
}
