package com.mka1.core.registry;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A model the engine can load.
 *
 * @param id        API id: {@code owner:name} for base models, {@code ft:<base>:<suffix>...} for fine-tuned ones
 * @param dir       directory with config.json and weights (or a PEFT adapter)
 * @param created   Unix seconds
 * @param ownedBy   the owner shown by the models API
 * @param kind      base, fine-tuned or checkpoint
 * @param baseModel for fine-tuned and checkpoint models, the model they were trained from; else null
 * @param jobId     the job that produced it, or null for base models
 */
public record RegisteredModel(String id, Path dir, long created, String ownedBy, ModelKind kind, String baseModel,
                              String jobId) {
    public RegisteredModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(ownedBy, "ownedBy");
        Objects.requireNonNull(kind, "kind");
    }
}
