package com.mka1.store.s3;

import java.net.URI;

/**
 * Where blobs go, as {@code mka1 serve --blobs} and {@code MKA1_BLOBS} take it:
 * {@code s3://BUCKET[/PREFIX]}. Every key is stored under {@code PREFIX/} (nothing when absent).
 *
 * @param bucket the bucket (created when missing)
 * @param prefix the key prefix ending in {@code /}, or empty
 */
public record S3Location(String bucket, String prefix) {
    public static S3Location parse(String url) {
        URI uri = URI.create(url);
        if (!"s3".equals(uri.getScheme()) || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("not an S3 location (s3://BUCKET/PREFIX): " + url);
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        return new S3Location(uri.getHost(), path.isEmpty() ? "" : path + "/");
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
