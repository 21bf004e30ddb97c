package com.mka1.server;

import com.mka1.server.http.ApiKeys;
import com.mka1.server.http.Authenticator;
import com.mka1.server.config.ConfigException;
import com.mka1.server.dashboard.DashboardHandler;
import com.mka1.server.http.ApiDispatcher;
import com.mka1.server.http.ErrorMapping;
import com.mka1.server.http.HealthHandler;
import com.mka1.server.http.HttpLimits;
import com.mka1.server.http.Router;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: one router mounted at {@code /v1} (OpenAI clients) and {@code /api/v1/llm}
 * (MKA1's gateway form), the web dashboard at {@code /dashboard/}, {@code /health} at the root, a
 * virtual thread per exchange.
 * {@link #close()} stops accepting, lets exchanges in flight finish (up to the grace period),
 * then closes the engine, which stops training at a step boundary with its state saved.
 */
public final class Mka1Server implements AutoCloseable {
    public static final List<String> MOUNTS = List.of("/v1", "/api/v1/llm");
    private static final Logger log = LoggerFactory.getLogger(Mka1Server.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final AutoCloseable engine;
    private final int graceSeconds;
    private volatile boolean ready;
    private boolean closed;

    private Mka1Server(HttpServer server, ExecutorService executor, AutoCloseable engine, int graceSeconds) {
        this.server = server;
        this.executor = executor;
        this.engine = engine;
        this.graceSeconds = graceSeconds;
    }

    /**
     * Binds and starts. Refuses a non-loopback address when no API keys are configured.
     *
     * @param engine closed last, after the HTTP side has drained (the facade)
     */
    public static Mka1Server start(String host, int port, ApiKeys keys, Router router, ErrorMapping errors,
                                   HttpLimits limits, AutoCloseable engine, int graceSeconds) throws IOException {
        return start(host, port, keys, router, errors, limits, engine, () -> true, graceSeconds);
    }

    /**
     * As above; {@code writable} says whether the engine's data directory takes writes ({@code /health}
     * reports {@code read_only} while it does not).
     */
    public static Mka1Server start(String host, int port, ApiKeys keys, Router router, ErrorMapping errors,
                                   HttpLimits limits, AutoCloseable engine, BooleanSupplier writable, int graceSeconds)
            throws IOException {
        InetAddress address = checkExposure(host, keys);
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        Mka1Server result = new Mka1Server(server, executor, engine, graceSeconds);
        ApiDispatcher dispatcher = new ApiDispatcher(router, new Authenticator(keys), errors, limits);
        for (String mount : MOUNTS) {
            server.createContext(mount, dispatcher);
        }
        server.createContext(DashboardHandler.PATH, new DashboardHandler());
        server.createContext("/", new HealthHandler(() -> result.ready, writable));
        server.start();
        result.ready = true;
        log.info("MKA1 server listening on {} (API under {} and {}, dashboard at {}{}/)", result.baseUri(), MOUNTS.get(0),
                MOUNTS.get(1), result.baseUri(), DashboardHandler.PATH);
        return result;
    }

    /**
     * Resolves {@code host}; without keys only a loopback address is allowed (and warned about),
     * since every request would act as admin.
     */
    public static InetAddress checkExposure(String host, ApiKeys keys) {
        InetAddress address = resolve(host);
        if (keys.isEmpty()) {
            if (!address.isLoopbackAddress()) {
                throw new ConfigException("refusing to listen on " + host + " without API keys: set MKA1_API_KEYS"
                        + " (e.g. \"sk-a:admin,sk-b:user\") or --api-keys-file, or bind to 127.0.0.1");
            }
            log.warn("No API keys configured: every request on {} is treated as admin. Set MKA1_API_KEYS or"
                    + " --api-keys-file before exposing this server.", host);
        }
        return address;
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException("--host: cannot resolve '" + host + "'", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The server's root, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        log.info("Shutting down: no new connections, waiting up to {}s for requests in flight", graceSeconds);
        server.stop(graceSeconds);
        executor.shutdownNow();
        try {
            engine.close();
        } catch (Exception e) {
            log.error("closing the engine failed", e);
        }
        log.info("Server stopped");
    }
}
