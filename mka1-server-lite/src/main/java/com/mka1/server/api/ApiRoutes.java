package com.mka1.server.api;

import com.mka1.api.facade.Mka1;
import com.mka1.server.http.Router;
import java.nio.file.Path;

/** Every API route, each handled by a thin adapter onto the {@link Mka1} facade. */
public final class ApiRoutes {
    private ApiRoutes() {}

    /**
     * @param spoolDir where uploads whose {@code purpose} arrives after the file wait on disk
     */
    public static Router build(Mka1 mka1, Path spoolDir) {
        Router router = new Router();
        new FilesEndpoints(mka1, spoolDir).mount(router);
        new FineTuningEndpoints(mka1).mount(router);
        new ResponsesEndpoints(mka1::responses).mount(router);
        new ChatCompletionsEndpoint(mka1::responses).mount(router);
        new ModelsEndpoints(mka1::models).mount(router);
        WhoamiEndpoint.mount(router);
        return router;
    }
}
