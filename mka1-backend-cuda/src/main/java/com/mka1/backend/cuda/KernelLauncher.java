package com.mka1.backend.cuda;

/** Queues one kernel on the device's stream; arguments follow {@link KernelSpec#params}. */
interface KernelLauncher {
    void launch(KernelSpec kernel, LaunchShape shape, Object... args);
}
