package com.mka1.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A database address as {@code mka1 serve --database} and {@code MKA1_DATABASE_URL} take it, in
 * libpq's URI form {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]}, turned into the
 * driver's URL and connection properties. A password left out comes from {@code PGPASSWORD}.
 *
 * @param jdbcUrl    {@code jdbc:postgresql://HOST:PORT/DB[?PARAMS]}
 * @param user       the role to connect as
 * @param password   its password, or null
 */
public record PostgresUrl(String jdbcUrl, String user, String password) {
    public static PostgresUrl parse(String url, String passwordFromEnvironment) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a PostgreSQL URL: " + url, e);
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("not a PostgreSQL URL (postgresql://USER@HOST:PORT/DB): " + url);
        }
        String db = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (uri.getHost() == null || db.isEmpty() || uri.getRawUserInfo() == null) {
            throw new IllegalArgumentException("a PostgreSQL URL names a user, a host and a database "
                    + "(postgresql://USER@HOST:PORT/DB): " + url);
        }
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        String user = decode(userInfo[0]);
        String password = userInfo.length > 1 ? decode(userInfo[1]) : passwordFromEnvironment;
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort()) + "/" + db
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new PostgresUrl(jdbc, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("ApplicationName", "mka1");
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60");
        return p;
    }

    /** The URL without its password, for logs. */
    @Override
    public String toString() {
        return jdbcUrl + " as " + user;
    }
}
