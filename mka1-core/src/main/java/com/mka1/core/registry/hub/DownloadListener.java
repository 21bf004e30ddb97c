package com.mka1.core.registry.hub;

/** Progress of a model download (the CLI draws a progress bar from it). */
public interface DownloadListener {
    DownloadListener NONE = new DownloadListener() {};

    /** A file starts; {@code alreadyHave} bytes are resumed from an earlier partial download. */
    default void fileStarted(String name, long total, long alreadyHave) {}

    /** {@code done} of {@code total} bytes of the file are on disk ({@code total} -1 when unknown). */
    default void progress(String name, long done, long total) {}

    /** The file is complete and verified ({@code skipped} when it was already present). */
    default void fileFinished(String name, boolean skipped) {}
}
