package com.mka1.core.train.loop;

import com.mka1.core.train.optim.AdamW;
import java.time.Duration;

/**
 * Engine settings of the training loop that the API does not expose.
 *
 * @param stateSaveInterval resumable state is also saved between checkpoints when this much time
 *                          passed since the last save (crash recovery)
 * @param keepCheckpoints   how many epoch checkpoints stay on disk
 * @param optimizer         AdamW constants
 */
public record LoopOptions(Duration stateSaveInterval, int keepCheckpoints, AdamW.Config optimizer) {
    public static LoopOptions defaults() {
        return new LoopOptions(Duration.ofMinutes(5), 3, AdamW.Config.defaults());
    }
}
