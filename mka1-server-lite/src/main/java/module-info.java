/** HTTP server and the mka1 command line. */
module com.mka1.server {
    requires com.mka1.core;
    requires com.mka1.store.postgres; // --database: jobs shared on PostgreSQL
    requires com.mka1.store.s3; // --blobs: files shared on S3
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires jdk.httpserver;
    requires java.net.http;
}
