package com.mka1.server.cli;

import com.mka1.core.EmbeddedMka1;
import java.nio.file.Path;

/** The in-process instance the demo runs: an embedded engine on its own data directory, training and serving locally. */
final class DemoEngine {
    private DemoEngine() {}

    /**
     * @param backend       the compute backend for training and inference, or null for the best available
     * @param embeddedModel whether mka1:tiny is written into the models directory
     */
    static EmbeddedMka1 open(Path dataDir, Path modelsDir, String backend, boolean embeddedModel) {
        return EmbeddedMka1.builder().dataDir(dataDir).modelsDir(modelsDir).backend(backend).embeddedModel(embeddedModel)
                .build();
    }
}
