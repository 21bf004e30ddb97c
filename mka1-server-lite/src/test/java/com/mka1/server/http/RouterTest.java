package com.mka1.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Handler noop = exchange -> {};
    private final Router router = new Router()
            .get("/fine_tuning/jobs", Access.ADMIN_ONLY, noop)
            .post("/fine_tuning/jobs", Access.ADMIN_ONLY, noop)
            .get("/fine_tuning/jobs/{fine_tuning_job_id}", Access.ADMIN_ONLY, noop)
            .post("/fine_tuning/jobs/{fine_tuning_job_id}/pause", Access.ADMIN_ONLY, noop)
            .get("/models/{model}", Access.ANY_KEY, noop)
            .delete("/models/{model}", Access.ANY_KEY, noop);

    @Test
    void matchesLiteralAndParameterSegments() {
        RouteMatch match = router.match("POST", "/fine_tuning/jobs/ftjob_1/pause");
        assertThat(match).isInstanceOfSatisfying(RouteMatch.Found.class, found -> {
            assertThat(found.route().path().text()).isEqualTo("/fine_tuning/jobs/{fine_tuning_job_id}/pause");
            assertThat(found.params()).isEqualTo(Map.of("fine_tuning_job_id", "ftjob_1"));
        });
        assertThat(router.match("GET", "/fine_tuning/jobs/")).isInstanceOfSatisfying(RouteMatch.Found.class,
                found -> assertThat(found.route().path().text()).isEqualTo("/fine_tuning/jobs"));
    }

    @Test
    void decodesParametersWithColonsRawOrPercentEncoded() {
        for (String path : new String[] {"/models/ft:meetkai:m:bot", "/models/ft%3Ameetkai%3Am%3Abot"}) {
            assertThat(router.match("GET", path)).isInstanceOfSatisfying(RouteMatch.Found.class,
                    found -> assertThat(found.params()).isEqualTo(Map.of("model", "ft:meetkai:m:bot")));
        }
        assertThat(router.match("GET", "/models/a+b")).isInstanceOfSatisfying(RouteMatch.Found.class,
                found -> assertThat(found.params()).isEqualTo(Map.of("model", "a+b")));
    }

    @Test
    void knownPathWithOtherMethodIsWrongMethodListingAllowed() {
        assertThat(router.match("DELETE", "/fine_tuning/jobs"))
                .isEqualTo(new RouteMatch.WrongMethod(java.util.List.of("GET", "POST")));
        assertThat(router.match("GET", "/fine_tuning/jobs/x/pause"))
                .isEqualTo(new RouteMatch.WrongMethod(java.util.List.of("POST")));
    }

    @Test
    void unknownPathsAndMalformedEscapesAreNoSuchPath() {
        assertThat(router.match("GET", "/nope")).isInstanceOf(RouteMatch.NoSuchPath.class);
        assertThat(router.match("GET", "/fine_tuning/jobs/a/b/c")).isInstanceOf(RouteMatch.NoSuchPath.class);
        assertThat(router.match("GET", "/models/%zz")).isInstanceOf(RouteMatch.NoSuchPath.class);
        assertThat(router.match("GET", "/models//")).isInstanceOf(RouteMatch.NoSuchPath.class);
    }
}
