package com.mka1.server.api;

import com.mka1.api.facade.Mka1;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.FineTuningService;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.core.json.CheckpointCodec;
import com.mka1.core.json.FineTuningJobCodec;
import com.mka1.core.json.JobCreateParamsCodec;
import com.mka1.core.json.JobEventCodec;
import com.mka1.core.json.Json;
import com.mka1.core.json.PageCodec;
import com.mka1.server.http.Access;
import com.mka1.server.http.ApiError;
import com.mka1.server.http.ApiExchange;
import com.mka1.server.http.HttpProblem;
import com.mka1.server.http.QueryParams;
import com.mka1.server.http.Router;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /fine_tuning/jobs...}: admin-only, as MKA1 specifies. */
final class FineTuningEndpoints {
    private static final PageCodec<FineTuningJob> JOBS = new PageCodec<>(FineTuningJobCodec.INSTANCE);
    private static final PageCodec<JobEvent> EVENTS = new PageCodec<>(JobEventCodec.INSTANCE);
    private static final PageCodec<Checkpoint> CHECKPOINTS = new PageCodec<>(CheckpointCodec.INSTANCE);
    private static final String JOB = "/fine_tuning/jobs/{fine_tuning_job_id}";

    private final Mka1 mka1;

    FineTuningEndpoints(Mka1 mka1) {
        this.mka1 = mka1;
    }

    void mount(Router router) {
        router.post("/fine_tuning/jobs", Access.ADMIN_ONLY, ex -> sendJob(ex,
                        jobs(ex).create(JobCreateParamsCodec.INSTANCE.read(Json.parse(ex.jsonBody())))))
                .get("/fine_tuning/jobs", Access.ADMIN_ONLY, this::list)
                .get(JOB, Access.ADMIN_ONLY, ex -> sendJob(ex, jobs(ex).retrieve(id(ex))))
                .post(JOB + "/cancel", Access.ADMIN_ONLY, ex -> sendJob(ex, jobs(ex).cancel(id(ex))))
                .post(JOB + "/pause", Access.ADMIN_ONLY, ex -> sendJob(ex, jobs(ex).pause(id(ex))))
                .post(JOB + "/resume", Access.ADMIN_ONLY, ex -> sendJob(ex, jobs(ex).resume(id(ex))))
                .get(JOB + "/events", Access.ADMIN_ONLY, ex -> ex.sendJson(200,
                        Json.writeBytes(EVENTS, jobs(ex).listEvents(id(ex), page(ex.query())))))
                .get(JOB + "/checkpoints", Access.ADMIN_ONLY, ex -> ex.sendJson(200,
                        Json.writeBytes(CHECKPOINTS, jobs(ex).listCheckpoints(id(ex), page(ex.query())))));
    }

    private FineTuningService jobs(ApiExchange exchange) {
        return mka1.fineTuning(Callers.of(exchange));
    }

    private static String id(ApiExchange exchange) {
        return exchange.pathParam("fine_tuning_job_id");
    }

    private static void sendJob(ApiExchange exchange, FineTuningJob job) throws IOException {
        exchange.sendJson(200, Json.writeBytes(FineTuningJobCodec.INSTANCE, job));
    }

    private static PageParams page(QueryParams q) {
        Integer limit = q.nonEmpty("limit") == null ? null : q.intInRange("limit", 0, 1, 100);
        return new PageParams(limit, q.nonEmpty("after"));
    }

    private void list(ApiExchange ex) throws IOException {
        QueryParams q = ex.query();
        Map<String, String> metadata = new LinkedHashMap<>();
        boolean withoutMetadata = false;
        for (Map.Entry<String, String> entry : q.entries()) {
            String name = entry.getKey();
            if (name.equals("metadata")) {
                if (!entry.getValue().equals("null")) {
                    throw new HttpProblem(ApiError.badRequest("Invalid 'metadata': use metadata[KEY]=VALUE to filter,"
                            + " or metadata=null for jobs without metadata", "metadata", "invalid_value"));
                }
                withoutMetadata = true;
            } else if (name.startsWith("metadata[") && name.endsWith("]") && name.length() > "metadata[]".length()) {
                metadata.put(name.substring("metadata[".length(), name.length() - 1), entry.getValue());
            }
        }
        PageParams page = page(q);
        JobListParams params = new JobListParams(page.limit(), page.after(), metadata, withoutMetadata);
        ex.sendJson(200, Json.writeBytes(JOBS, jobs(ex).list(params)));
    }
}
