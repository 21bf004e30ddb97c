package com.mka1.server.api;

import com.mka1.api.Page;
import com.mka1.api.models.Model;
import com.mka1.api.models.ModelService;
import com.mka1.core.json.Json;
import com.mka1.core.json.ModelCodec;
import com.mka1.core.json.ModelDeletedCodec;
import com.mka1.core.json.PageCodec;
import com.mka1.server.http.Access;
import com.mka1.server.http.Router;
import java.util.List;
import java.util.function.Supplier;

/** {@code /models}: list, retrieve and delete (ids contain ':' and may come percent-encoded). */
final class ModelsEndpoints {
    private static final PageCodec<Model> LIST = new PageCodec<>(ModelCodec.INSTANCE);

    private final Supplier<ModelService> models;

    ModelsEndpoints(Supplier<ModelService> models) {
        this.models = models;
    }

    void mount(Router router) {
        router.get("/models", Access.ANY_KEY, ex -> ex.sendJson(200, Json.writeBytes(LIST, page(models.get().list()))))
                .get("/models/{model}", Access.ANY_KEY, ex -> ex.sendJson(200,
                        Json.writeBytes(ModelCodec.INSTANCE, models.get().retrieve(ex.pathParam("model")))))
                .delete("/models/{model}", Access.ADMIN_ONLY, ex -> ex.sendJson(200,
                        Json.writeBytes(ModelDeletedCodec.INSTANCE, models.get().delete(ex.pathParam("model")))));
    }

    /** The whole list as one page, as OpenAI's models list answers. */
    private static Page<Model> page(List<Model> all) {
        return new Page<>(all, false, all.isEmpty() ? null : all.getFirst().id(), all.isEmpty() ? null : all.getLast().id());
    }
}
