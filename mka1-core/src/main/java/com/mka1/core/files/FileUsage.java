package com.mka1.core.files;

import java.util.Optional;

/** Tells the store whether a file may be deleted: the job manager answers for its active jobs. */
@FunctionalInterface
public interface FileUsage {
    /** A description of an active user of the file ("job ftjob_… (running)"), or empty when none. */
    Optional<String> activeUser(String fileId);

    FileUsage NONE = fileId -> Optional.empty();
}
