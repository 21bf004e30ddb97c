package com.mka1.api.facade;

import com.mka1.api.Caller;
import com.mka1.api.files.FileService;
import com.mka1.api.finetuning.FineTuningService;
import com.mka1.api.models.ModelService;
import com.mka1.api.responses.ResponseService;

/**
 * The MKA1 API in process: the same resources the HTTP server exposes. Services are views bound
 * to a {@link Caller}; the no-argument forms act on nobody's behalf. Implementations are
 * thread-safe. Closing stops the workers (running jobs resume on the next start).
 */
public interface Mka1 extends AutoCloseable {
    /** Files, as seen by {@code caller}. */
    FileService files(Caller caller);

    /** Fine-tuning jobs, as seen by {@code caller}. */
    FineTuningService fineTuning(Caller caller);

    /** Responses (generation from base and fine-tuned models), as seen by {@code caller}. */
    ResponseService responses(Caller caller);

    /**
     * Models, as seen by {@code caller}: base models are shared; a fine-tuned model or checkpoint
     * belongs to the end user of the job that made it.
     */
    ModelService models(Caller caller);

    default FileService files() {
        return files(Caller.NONE);
    }

    default FineTuningService fineTuning() {
        return fineTuning(Caller.NONE);
    }

    default ResponseService responses() {
        return responses(Caller.NONE);
    }

    default ModelService models() {
        return models(Caller.NONE);
    }

    @Override
    void close();
}
