package com.mka1.store.postgres.testing;

import com.mka1.store.postgres.PostgresUrl;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests, one per JVM: the distribution's binaries (Debian's
 * {@code postgresql} package, which {@code .ci/run} installs) run initdb into a temp directory
 * and serve on a free loopback port, trust authentication, fsync off. PostgreSQL refuses to run
 * as root, so under root it runs as the {@code postgres} user. Each test gets its own database.
 * In this module's test jar, so the server's multi-process tests run against the same kind of server.
 */
public final class LocalPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LocalPostgres instance;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private LocalPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static synchronized LocalPostgres get() throws IOException {
        if (instance == null) instance = start();
        return instance;
    }

    /** A fresh, empty database on the shared server. */
    public PostgresUrl newDatabase() throws Exception {
        return url(createDatabase());
    }

    /** Creates a fresh, empty database on the shared server and answers its name. */
    public String createDatabase() throws Exception {
        String name = "mka1_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        PostgresUrl admin = url("postgres");
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    public PostgresUrl url(String database) {
        return PostgresUrl.parse(libpqUrl(database), null);
    }

    /** The database's URL as {@code mka1 serve --database} takes it (trust authentication: no password). */
    public String libpqUrl(String database) {
        return "postgresql://mka1@127.0.0.1:" + port + "/" + database;
    }

    private static Path binaries() {
        String configured = System.getenv("MKA1_PG_BIN");
        if (configured != null) return Path.of(configured);
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                var newest = versions.filter(p -> Files.isExecutable(p.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))));
                if (newest.isPresent()) return newest.get().resolve("bin");
            } catch (IOException ignored) {
                // fall through to the failure below
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/pg_ctl, "
                + "MKA1_PG_BIN unset): install them with `apt-get install postgresql` (.ci/run does)");
    }

    private static LocalPostgres start() throws IOException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("mka1-pg-");
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LocalPostgres pg = new LocalPostgres(bin, dir, port, root);
        pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "mka1", "-A", "trust",
                "-E", "UTF8", "--no-sync"));
        pg.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-l",
                dir.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                        + " -c max_connections=200", "start"));
        Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
        return pg;
    }

    private void stop() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop"));
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException ignored) {
            // the JVM is exiting: a leftover temp directory is all that remains
        }
    }

    private void run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
