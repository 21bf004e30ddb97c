package com.mka1.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files, read from this module's resources below one folder. A request path is
 * looked up only when every segment is a plain name (letters, digits, '.', '_', '-', no leading
 * dot) and its extension has a known media type, so no path can leave the folder or reach a class
 * file or a directory listing. Found files are cached (the set is fixed and small); misses are not.
 */
final class StaticAssets {
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8");

    private final String root;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** @param root the resource folder relative to this class's package, e.g. {@code "site"} */
    StaticAssets(String root) {
        this.root = root;
    }

    /** The asset at a decoded path relative to the root ({@code "js/app.js"}), if it is one. */
    Optional<Asset> find(String relativePath) {
        String type = contentType(relativePath);
        if (type == null || !SAFE_PATH.matcher(relativePath).matches()) {
            return Optional.empty();
        }
        Asset cached = cache.get(relativePath);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = StaticAssets.class.getResourceAsStream(root + "/" + relativePath)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] content = in.readAllBytes();
            Asset asset = new Asset(content, type, etag(content));
            cache.put(relativePath, asset);
            return Optional.of(asset);
        } catch (IOException e) {
            throw new UncheckedIOException("reading dashboard asset " + relativePath, e);
        }
    }

    /** The media type for a file name's extension, or null when it is not one the dashboard serves. */
    static String contentType(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 || dot < path.lastIndexOf('/') ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
