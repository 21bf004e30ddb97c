package com.mka1.server.http;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits that keep slow or idle clients from holding the server: a request (headers and body)
 * must arrive within {@code requestTimeoutSeconds}, an idle keep-alive connection closes after
 * {@code idleTimeoutSeconds}, and at most {@code maxConnections} are open at once (more are
 * closed as they arrive). They are the JDK server's own limits, which it reads once per process
 * from system properties: {@link #apply()} sets them before the first server starts; a property
 * given on the command line ({@code -Dsun.net.httpserver.maxReqTime=...}) wins.
 */
public record ConnectionLimits(int requestTimeoutSeconds, int idleTimeoutSeconds, int maxConnections) {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(300, 30, 1000);

    public ConnectionLimits {
        if (requestTimeoutSeconds < 1 || idleTimeoutSeconds < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("connection limits must be positive");
        }
    }

    /** The JDK properties these limits set. */
    public Map<String, String> properties() {
        return Map.of("sun.net.httpserver.maxReqTime", Integer.toString(requestTimeoutSeconds),
                "sun.net.httpserver.idleInterval", Integer.toString(idleTimeoutSeconds),
                "jdk.httpserver.maxConnections", Integer.toString(maxConnections));
    }

    /** Sets each property not already set; call before the first server of the process starts. */
    public void apply() {
        properties().forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            } else if (!System.getProperty(name).equals(value)) {
                log.info("{}={} given on the command line wins over {}", name, System.getProperty(name), value);
            }
        });
    }
}
