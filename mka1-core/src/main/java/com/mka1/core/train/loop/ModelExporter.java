package com.mka1.core.train.loop;

import java.io.IOException;
import java.nio.file.Path;

/** Writes the model being trained, in its usable form (PEFT adapter or full weights), into an empty directory. */
@FunctionalInterface
public interface ModelExporter {
    void export(Path dir) throws IOException;
}
