package com.mka1.server.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured API keys and their roles. Keys come either from a comma-separated list
 * ({@code "sk-a:admin,sk-b:user"}, the form of {@code MKA1_API_KEYS}) or from a file with one
 * {@code key:role} per line ({@code #} starts a comment). Lookups compare digests in constant time.
 */
public final class ApiKeys {
    private final Map<String, Role> rolesByDigest;

    private ApiKeys(Map<String, Role> rolesByDigest) {
        this.rolesByDigest = Map.copyOf(rolesByDigest);
    }

    public static ApiKeys none() {
        return new ApiKeys(Map.of());
    }

    /** Parses {@code "sk-a:admin,sk-b:user"}; blank entries are skipped. */
    public static ApiKeys parseList(String list, String source) {
        Map<String, Role> keys = new LinkedHashMap<>();
        String[] entries = list.split(",");
        for (int i = 0; i < entries.length; i++) {
            addEntry(keys, entries[i], source + " entry " + (i + 1));
        }
        return new ApiKeys(keys);
    }

    /** Reads a keys file: one {@code key:role} per line, blank lines and {@code #} comments ignored. */
    public static ApiKeys readFile(Path file) throws IOException {
        Map<String, Role> keys = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            addEntry(keys, hash >= 0 ? line.substring(0, hash) : line, file + " line " + (i + 1));
        }
        return new ApiKeys(keys);
    }

    private static void addEntry(Map<String, Role> keys, String entry, String where) {
        String trimmed = entry.strip();
        if (trimmed.isEmpty()) {
            return;
        }
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(where + ": expected key:role, e.g. sk-a:admin");
        }
        String key = trimmed.substring(0, colon).strip();
        if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(where + ": the key is empty or contains whitespace");
        }
        keys.put(digest(key), Role.parse(trimmed.substring(colon + 1), where));
    }

    public boolean isEmpty() {
        return rolesByDigest.isEmpty();
    }

    public int size() {
        return rolesByDigest.size();
    }

    /** The role of {@code key}, if it is configured. */
    public Optional<Role> roleOf(String key) {
        byte[] wanted = HexFormat.of().parseHex(digest(key));
        Role found = null;
        for (Map.Entry<String, Role> entry : rolesByDigest.entrySet()) {
            if (MessageDigest.isEqual(wanted, HexFormat.of().parseHex(entry.getKey()))) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    /** A short, non-reversible name for a key, for logs and {@code whoami}. */
    public static String fingerprint(String key) {
        return "key-" + digest(key).substring(0, 8);
    }

    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
