package com.mka1.core.registry;

import com.mka1.core.storage.FileTrees;
import com.mka1.api.Caller;
import com.mka1.api.PermissionDeniedException;
import com.mka1.api.files.FileObject;
import com.mka1.api.models.ModelExportParams;
import com.mka1.api.models.Model;
import com.mka1.api.models.ModelDeleted;
import com.mka1.api.models.ModelService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Models API over the {@link ModelRegistry}, as one caller sees it ({@link ModelAccess}): base
 * models of the models directory, fine-tuned models and checkpoints. Deleting removes a fine-tuned model's or checkpoint's files and registry
 * entry and drops it from memory; base models are never deleted over the API. A caller exports
 * only models it sees, into files of its own ({@link ModelExports}).
 */
public final class ModelsService implements ModelService {
    private static final Logger log = LoggerFactory.getLogger(ModelsService.class);

    private final ModelAccess access;
    private final Caller caller;
    private final Consumer<String> unload;
    private final ModelExports exports;

    /**
     * @param unload  drops a model from the inference cache before its files go
     * @param exports writes exports into the file store
     */
    public ModelsService(ModelAccess access, Caller caller, Consumer<String> unload, ModelExports exports) {
        this.access = access;
        this.caller = caller;
        this.unload = unload;
        this.exports = exports;
    }

    @Override
    public List<Model> list() {
        return access.list(caller).stream().map(ModelsService::toModel).toList();
    }

    @Override
    public Model retrieve(String modelId) {
        return toModel(access.requireDescribed(modelId, caller));
    }

    @Override
    public ModelDeleted delete(String modelId) {
        RegisteredModel model = access.requireDescribed(modelId, caller);
        if (model.kind() == ModelKind.BASE) {
            throw new PermissionDeniedException("The base model '" + modelId + "' cannot be deleted over the API; remove "
                    + model.dir() + " from the models directory instead.", "model", "model_not_deletable");
        }
        unload.accept(modelId);
        if (!access.unregister(modelId)) {
            throw ModelAccess.notFound(modelId);
        }
        deleteTree(model.dir());
        log.info("deleted model {} ({})", modelId, model.dir());
        return new ModelDeleted(modelId, true);
    }

    @Override
    public FileObject export(String modelId, ModelExportParams params) {
        return exports.export(access.require(modelId, caller), params, caller);
    }

    static Model toModel(RegisteredModel m) {
        return new Model(m.id(), m.created(), m.ownedBy());
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("deleted model files only in part: " + dir, e);
        }
    }
}
