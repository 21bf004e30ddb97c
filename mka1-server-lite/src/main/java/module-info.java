/** HTTP server and the mka1 command line. */
module com.mka1.server {
    requires com.mka1.core;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires jdk.httpserver;
    requires java.net.http;
}
