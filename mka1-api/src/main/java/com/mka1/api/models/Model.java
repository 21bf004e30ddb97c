package com.mka1.api.models;

import java.util.Objects;

/**
 * A model the server can answer with: a base model ({@code owner:name}), a fine-tuned model
 * ({@code ft:<base>:<suffix>}) or a checkpoint ({@code ft:<base>:<suffix>:ckpt-step-N}).
 *
 * @param id      the id requests name
 * @param created Unix seconds (directory or job creation time)
 * @param ownedBy the owner: the id's owner part for base models, the organisation for fine-tuned ones
 */
public record Model(String id, long created, String ownedBy) {
    public Model {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ownedBy, "ownedBy");
    }
}
