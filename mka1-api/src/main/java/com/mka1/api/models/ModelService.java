package com.mka1.api.models;

import com.mka1.api.files.FileObject;
import java.util.List;

/**
 * The {@code /models} resource, bound to one {@link com.mka1.api.Caller} ({@code mka1.models(caller)}):
 * base models are visible to every caller; fine-tuned models and checkpoints follow the caller
 * rule of the job that made them (another end user's model is {@link com.mka1.api.NotFoundException}).
 */
public interface ModelService {
    /** Base models (by id), then fine-tuned models and checkpoints in the order they were created. */
    List<Model> list();

    /** One model; NotFound when no model has this id. */
    Model retrieve(String modelId);

    /**
     * Deletes a fine-tuned model or checkpoint (its files and registry entry). Base models cannot be
     * deleted over the API: PermissionDenied. NotFound when unknown.
     */
    ModelDeleted delete(String modelId);

    /**
     * Exports a model this caller may see (base, fine-tuned, checkpoint or PEFT adapter) as a file
     * with purpose {@code fine-tune-results}, created for this caller; its content is the GGUF file
     * or the zipped model directory. An MKA1 extension (OpenAI has no model export).
     * InvalidRequest (param "format" or "type") for an unknown format or type, or a model that
     * cannot be exported that way; NotFound when unknown or not visible to the caller.
     */
    FileObject export(String modelId, ModelExportParams params);
}
