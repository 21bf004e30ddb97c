package com.mka1.server.api;

import com.mka1.api.models.ModelService;
import com.mka1.api.models.ModelExportParams;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.FileObjectCodec;
import com.mka1.core.json.Json;
import com.mka1.core.json.ModelCodec;
import com.mka1.core.json.DeletedCodec;
import com.mka1.core.json.PageCodec;
import com.mka1.api.Page;
import com.mka1.api.models.Model;
import java.util.List;
import com.mka1.server.http.Access;
import com.mka1.server.http.Router;
import java.util.function.Function;
import com.mka1.api.Caller;
import com.mka1.server.http.ApiExchange;

/**
 * {@code /models}: list, retrieve, delete and export (ids contain ':' and may come
 * percent-encoded). An export answers with the file object of the exported model.
 */
final class ModelsEndpoints {
    private static final PageCodec<Model> LIST = new PageCodec<>(ModelCodec.INSTANCE);

    private final Function<Caller, ModelService> models;

    ModelsEndpoints(Function<Caller, ModelService> models) {
        this.models = models;
    }

    void mount(Router router) {
        router.get("/models", Access.ANY_KEY, ex -> ex.sendJson(200, Json.writeBytes(LIST, page(models(ex).list()))))
                .get("/models/{model}", Access.ANY_KEY, ex -> ex.sendJson(200,
                        Json.writeBytes(ModelCodec.INSTANCE, models(ex).retrieve(ex.pathParam("model")))))
                .delete("/models/{model}", Access.ADMIN_ONLY, ex -> ex.sendJson(200,
                        Json.writeBytes(DeletedCodec.MODEL, models(ex).delete(ex.pathParam("model")))))
                .post("/models/{model}/export", Access.ADMIN_ONLY, ex -> ex.sendJson(200, Json.writeBytes(FileObjectCodec.INSTANCE,
                        models(ex).export(ex.pathParam("model"), exportParams(ex.jsonBody())))));
    }

    /** {@code {"format": "gguf", "type": "q8_0"}}; both optional. */
    private static ModelExportParams exportParams(byte[] body) {
        FieldReader r = FieldReader.of(Json.parse(body), "");
        return new ModelExportParams(r.string("format"), r.string("type"));
    }

    private ModelService models(ApiExchange exchange) {
        return models.apply(Callers.of(exchange));
    }

    /** The whole model list as one page (OpenAI's /models is not paginated). */
    private static Page<Model> page(List<Model> models) {
        return new Page<>(models, false, models.isEmpty() ? null : models.getFirst().id(),
                models.isEmpty() ? null : models.getLast().id());
    }
}
