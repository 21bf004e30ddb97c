/** Blobs in an S3-compatible object store: a {@code BlobStore} shared by every server of a deployment. */
module com.mka1.store.s3 {
    requires com.mka1.core;
    requires org.slf4j;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;

    exports com.mka1.store.s3;
}
