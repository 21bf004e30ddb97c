package com.mka1.store.s3;

import com.mka1.core.storage.blob.BlobKeys;
import com.mka1.core.storage.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Blobs in an S3-compatible bucket, path-style addressed, every key under the location's prefix.
 * A put streams: an object up to one part ({@value #PART_SIZE} bytes) is one PUT, a larger one a
 * multipart upload holding one part in memory at a time (aborted on failure, so a half upload is
 * never visible). The bucket is created when missing.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    /** 8 MiB: above S3's 5 MiB minimum part, small enough to buffer. */
    static final int PART_SIZE = 8 * 1024 * 1024;

    private final S3Client s3;
    private final S3Location location;

    private S3BlobStore(S3Client s3, S3Location location) {
        this.s3 = s3;
        this.location = location;
    }

    /**
     * Connects to {@code location} with {@code settings}, creating the bucket when missing.
     *
     * @throws IOException the store cannot be reached or the bucket cannot be created
     */
    public static S3BlobStore open(S3Location location, S3Settings settings) throws IOException {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(settings.region()))
                .forcePathStyle(true)
                // Checksums only where S3 requires them: S3-compatible stores differ on the newer trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials(settings));
        if (settings.endpoint() != null) builder.endpointOverride(settings.endpoint());
        S3BlobStore store = new S3BlobStore(builder.build(), location);
        try {
            store.ensureBucket();
        } catch (IOException e) {
            store.close();
            throw e;
        }
        log.info("blob store: {} ({})", location, settings);
        return store;
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.accessKeyId() == null) return DefaultCredentialsProvider.builder().build();
        return StaticCredentialsProvider.create(settings.sessionToken() == null
                ? AwsBasicCredentials.create(settings.accessKeyId(), settings.secretKey())
                : AwsSessionCredentials.create(settings.accessKeyId(), settings.secretKey(), settings.sessionToken()));
    }

    private void ensureBucket() throws IOException {
        call(() -> {
            try {
                s3.headBucket(b -> b.bucket(location.bucket()));
            } catch (NoSuchBucketException e) {
                createBucket();
            } catch (S3Exception e) {
                if (e.statusCode() != 404) throw e;
                createBucket();
            }
            return null;
        });
    }

    private void createBucket() {
        try {
            s3.createBucket(b -> b.bucket(location.bucket()));
            log.info("created bucket {}", location.bucket());
        } catch (BucketAlreadyOwnedByYouException e) {
            log.debug("bucket {} was created by another server starting at the same time", location.bucket());
        }
    }

    private String objectKey(String key) {
        return location.prefix() + BlobKeys.check(key);
    }

    @Override
    public void put(String key, InputStream content) throws IOException {
        String objectKey = objectKey(key);
        byte[] part = new byte[PART_SIZE];
        int first = content.readNBytes(part, 0, PART_SIZE);
        if (first < PART_SIZE) {
            call(() -> s3.putObject(b -> b.bucket(location.bucket()).key(objectKey), RequestBody.fromBytes(copy(part, first))));
            return;
        }
        String uploadId = call(() -> s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey)).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (int n = first, number = 1; n > 0; n = content.readNBytes(part, 0, PART_SIZE), number++) {
                int partNumber = number;
                byte[] bytes = n == PART_SIZE ? part : copy(part, n);
                String etag = call(() -> s3.uploadPart(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                        .partNumber(partNumber), RequestBody.fromBytes(bytes)).eTag());
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            call(() -> s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(u -> u.parts(parts))));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private static byte[] copy(byte[] buffer, int length) {
        byte[] out = new byte[length];
        System.arraycopy(buffer, 0, out, 0, length);
        return out;
    }

    @Override
    public InputStream get(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return call(() -> s3.getObject(b -> b.bucket(location.bucket()).key(objectKey)));
        } catch (IOException e) {
            if (e.getCause() instanceof NoSuchKeyException) throw new NoSuchFileException(key);
            throw e;
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        String objectKey = objectKey(key);
        return call(() -> {
            try {
                s3.headObject(b -> b.bucket(location.bucket()).key(objectKey));
                return true;
            } catch (NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) return false;
                throw e;
            }
        });
    }

    @Override
    public void delete(String key) throws IOException {
        String objectKey = objectKey(key);
        call(() -> s3.deleteObject(b -> b.bucket(location.bucket()).key(objectKey)));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        String full = location.prefix() + prefix;
        return call(() -> {
            List<String> keys = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(full)).contents()) {
                // "a/b/" is a folder marker (consoles and some stores make them), never one of our keys.
                if (!o.key().endsWith("/")) keys.add(o.key().substring(location.prefix().length()));
            }
            keys.sort(null);
            return keys;
        });
    }

    @FunctionalInterface
    private interface Call<T> {
        T run();
    }

    /** Runs an S3 call; the SDK's failures (after its own retries) become {@link IOException}s. */
    private <T> T call(Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw new IOException("blob store " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
