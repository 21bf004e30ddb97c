package com.mka1.store.s3;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3SettingsTest {
    @Test
    void theSdksStandardVariablesWithS3sOwnEndpointFirst() {
        assertThat(S3Settings.fromEnvironment(Map.of("AWS_ENDPOINT_URL", "http://all:9000", "AWS_ENDPOINT_URL_S3",
                "http://s3:9000", "AWS_DEFAULT_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s")))
                .isEqualTo(new S3Settings(URI.create("http://s3:9000"), "eu-west-1", "k", "s", null));
        S3Settings aws = S3Settings.fromEnvironment(Map.of());
        assertThat(aws).isEqualTo(new S3Settings(null, "us-east-1", null, null, null));
        assertThat(S3Settings.fromEnvironment(Map.of("AWS_SECRET_ACCESS_KEY", "hidden")).toString())
                .isEqualTo("endpoint AWS, region us-east-1");
    }

    @Test
    void locations() {
        assertThat(S3Location.parse("s3://bucket")).isEqualTo(new S3Location("bucket", ""));
        assertThat(S3Location.parse("s3://bucket/team/a/")).isEqualTo(new S3Location("bucket", "team/a/"));
        assertThatThrownBy(() -> S3Location.parse("https://bucket/x"))
                .hasMessage("not an S3 location (s3://BUCKET/PREFIX): https://bucket/x");
    }
}
