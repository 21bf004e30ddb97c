package com.mka1.backend.cuda;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this machine has an NVIDIA driver, judged independently of JCuda (its device node). */
final class GpuPresence {
    private GpuPresence() {}

    static boolean nvidiaDriverLoaded() {
        return Files.exists(Path.of("/dev/nvidiactl"));
    }
}
