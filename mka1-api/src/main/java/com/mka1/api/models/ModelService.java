package com.mka1.api.models;

import java.util.List;

/** The {@code /models} resource ({@code mka1.models()}); models are shared by every caller. */
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
}
