package com.mka1.store.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresUrlTest {
    @Test
    void libpqUrisBecomeDriverUrlsAndCredentials() {
        assertThat(PostgresUrl.parse("postgresql://mka1@db.internal:5433/jobs", "from-env"))
                .isEqualTo(new PostgresUrl("jdbc:postgresql://db.internal:5433/jobs", "mka1", "from-env"));
        assertThat(PostgresUrl.parse("postgres://me:p%40ss@10.0.0.5/mka1?sslmode=require", null))
                .isEqualTo(new PostgresUrl("jdbc:postgresql://10.0.0.5:5432/mka1?sslmode=require", "me", "p@ss"));
        assertThat(PostgresUrl.parse("postgresql://me:secret@h/db", null).toString())
                .isEqualTo("jdbc:postgresql://h:5432/db as me");
    }

    @Test
    void incompleteOrForeignUrlsAreRefused() {
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://me@h/db", null))
                .hasMessage("not a PostgreSQL URL (postgresql://USER@HOST:PORT/DB): mysql://me@h/db");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://h:5432/db", null))
                .hasMessage("a PostgreSQL URL names a user, a host and a database (postgresql://USER@HOST:PORT/DB): postgresql://h:5432/db");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://me@h/", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
