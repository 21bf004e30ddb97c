package com.mka1.core.registry;

import com.mka1.api.Caller;
import com.mka1.api.NotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry as one caller may see it ({@link Caller#canSee}, the rule every resource uses):
 * base models are shared; a fine-tuned model or checkpoint belongs to the end user of the job
 * that made it, looked up when asked, so models registered before this rule existed follow it too.
 */
public final class ModelAccess {
    private final ModelRegistry registry;
    private final Function<String, String> jobEndUser;

    /** @param jobEndUser a job id's end user (null: shared, or an unknown job) */
    public ModelAccess(ModelRegistry registry, Function<String, String> jobEndUser) {
        this.registry = registry;
        this.jobEndUser = jobEndUser;
    }

    /** The model with this id, if {@code caller} may see it; its files are here ({@link ModelRegistry#find}). */
    public Optional<RegisteredModel> find(String id, Caller caller) {
        return id == null ? Optional.empty() : registry.find(id).filter(m -> caller.canSee(endUser(m)));
    }

    /**
     * The model with this id, if {@code caller} may see it, without fetching its files from a
     * shared store ({@link ModelRegistry#describe}): for what only needs to know it exists.
     */
    public Optional<RegisteredModel> describe(String id, Caller caller) {
        return id == null ? Optional.empty() : registry.describe(id).filter(m -> caller.canSee(endUser(m)));
    }

    /** The model with this id, its files here, or NotFound (param "model") when unknown or not visible to {@code caller}. */
    public RegisteredModel require(String id, Caller caller) {
        return find(id, caller).orElseThrow(() -> notFound(id));
    }

    /** As {@link #require}, without fetching the files ({@link #describe}). */
    public RegisteredModel requireDescribed(String id, Caller caller) {
        return describe(id, caller).orElseThrow(() -> notFound(id));
    }

    /** The models {@code caller} may see, in the registry's order. */
    public List<RegisteredModel> list(Caller caller) {
        return registry.list().stream().filter(m -> caller.canSee(endUser(m))).toList();
    }

    /** Removes a registered model; false when it was already gone. */
    boolean unregister(String id) {
        return registry.unregister(id);
    }

    private String endUser(RegisteredModel m) {
        return m.kind() == ModelKind.BASE || m.jobId() == null ? null : jobEndUser.apply(m.jobId());
    }

    static NotFoundException notFound(String modelId) {
        return new NotFoundException(modelId == null ? "The model is missing." : "The model '" + modelId + "' does not exist.",
                "model", "model_not_found");
    }
}
