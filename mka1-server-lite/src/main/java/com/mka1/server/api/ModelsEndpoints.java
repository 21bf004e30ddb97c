package com.mka1.server.api;

import com.mka1.api.models.ModelService;
import com.mka1.core.json.ModelJson;
import com.mka1.server.http.Access;
import com.mka1.server.http.Router;
import java.util.function.Supplier;

/** {@code /models}: list, retrieve and delete (ids contain ':' and may come percent-encoded). */
final class ModelsEndpoints {
    private final Supplier<ModelService> models;

    ModelsEndpoints(Supplier<ModelService> models) {
        this.models = models;
    }

    void mount(Router router) {
        router.get("/models", Access.ANY_KEY, ex -> ex.sendJson(200,
                        ResponsesEndpoints.utf8(ModelJson.listToJson(models.get().list()))))
                .get("/models/{model}", Access.ANY_KEY, ex -> ex.sendJson(200,
                        ResponsesEndpoints.utf8(ModelJson.toJson(models.get().retrieve(ex.pathParam("model"))))))
                .delete("/models/{model}", Access.ADMIN_ONLY, ex -> ex.sendJson(200,
                        ResponsesEndpoints.utf8(ModelJson.deletedToJson(models.get().delete(ex.pathParam("model"))))));
    }
}
