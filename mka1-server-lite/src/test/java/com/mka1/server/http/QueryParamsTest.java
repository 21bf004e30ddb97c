package com.mka1.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParamsTest {
    @Test
    void nonEmptyTreatsAnEmptyValueAsAbsentAndKeepsTheLastValue() {
        QueryParams q = QueryParams.parse("after=&limit=5&purpose=batch&purpose=fine-tune");
        assertThat(q.nonEmpty("after")).isNull();
        assertThat(q.nonEmpty("order")).isNull();
        assertThat(q.nonEmpty("purpose")).isEqualTo("fine-tune");
        assertThat(q.get("after")).isEmpty();
    }

    @Test
    void emptyValuesFallBackAndBadOnesAreA400NamingTheParameter() {
        QueryParams q = QueryParams.parse("limit=&order=&after=x");
        assertThat(q.intInRange("limit", 7, 1, 100)).isEqualTo(7);
        assertThat(q.oneOf("order", "desc", List.of("asc", "desc"))).isEqualTo("desc");

        QueryParams bad = QueryParams.parse("limit=101&order=up");
        assertThatThrownBy(() -> bad.intInRange("limit", 7, 1, 100)).isInstanceOfSatisfying(HttpProblem.class,
                p -> assertThat(p.error()).isEqualTo(ApiError.badRequest(
                        "Invalid 'limit': expected an integer from 1 to 100, got '101'", "limit", "invalid_value")));
        assertThatThrownBy(() -> bad.oneOf("order", "desc", List.of("asc", "desc"))).isInstanceOfSatisfying(
                HttpProblem.class, p -> assertThat(p.error().message())
                        .isEqualTo("Invalid 'order': expected one of [asc, desc], got 'up'"));
    }
}
