package com.mka1.store.s3;

import java.net.URI;
import java.util.Map;

/**
 * The S3 client's settings, read from the AWS SDKs' standard environment variables so one
 * configuration works against AWS, MinIO or any S3-compatible store.
 *
 * @param endpoint     {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}; null: AWS's own endpoint for the region
 * @param region       {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else {@code us-east-1}
 * @param accessKeyId  {@code AWS_ACCESS_KEY_ID}; null: the SDK's default chain (profile, instance role)
 * @param secretKey    {@code AWS_SECRET_ACCESS_KEY}
 * @param sessionToken {@code AWS_SESSION_TOKEN}, or null
 */
public record S3Settings(URI endpoint, String region, String accessKeyId, String secretKey, String sessionToken) {
    public static S3Settings fromEnvironment(Map<String, String> env) {
        String endpoint = first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
        return new S3Settings(endpoint == null ? null : URI.create(endpoint), region == null ? "us-east-1" : region,
                env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"), env.get("AWS_SESSION_TOKEN"));
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }

    @Override
    public String toString() { // never the secret
        return "endpoint " + (endpoint == null ? "AWS" : endpoint) + ", region " + region;
    }
}
