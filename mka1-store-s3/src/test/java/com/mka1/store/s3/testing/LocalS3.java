package com.mka1.store.s3.testing;

import com.mka1.store.s3.S3Settings;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.util.Map;
import java.util.Properties;

/**
 * A real S3-protocol server in the test JVM: s3proxy (SigV4 authentication, multipart) over
 * jclouds' filesystem store in a temp directory, on a free loopback port. One per JVM. Public,
 * and in this module's test jar, so the server's multi-process tests share a bucket through it.
 */
public final class LocalS3 {
    public static final String ACCESS_KEY = "mka1-test";
    public static final String SECRET_KEY = "mka1-test-secret";
    private static S3Proxy proxy;

    private LocalS3() {}

    /** The server's settings as a node reads them from its environment. */
    public static S3Settings settings() throws Exception {
        return S3Settings.fromEnvironment(environment());
    }

    /** The environment variables that point a node (or an S3 client) at this server; starts it the first time. */
    public static synchronized Map<String, String> environment() throws Exception {
        if (proxy == null) {
            Properties p = new Properties();
            p.setProperty("jclouds.filesystem.basedir", java.nio.file.Files.createTempDirectory("mka1-s3-").toString());
            BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(p)
                    .credentials(ACCESS_KEY, SECRET_KEY).build(BlobStoreContext.class);
            proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) Thread.sleep(10);
        }
        return Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + proxy.getPort(),
                "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1");
    }
}
