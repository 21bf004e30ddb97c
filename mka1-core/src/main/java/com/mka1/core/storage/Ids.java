package com.mka1.core.storage;

import java.security.SecureRandom;
import java.util.HexFormat;

/** API ids: a prefix, an underscore and 32 lowercase hex digits from a secure random source ({@code ftjob_9f...}). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** A fresh id such as {@code file_aa87e2b1112a455b8deabed784372198}. */
    public static String newId(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    /** Whether {@code id} has the shape {@code prefix_<32 hex>}: ids that fail it are never looked up on disk. */
    public static boolean isWellFormed(String id, String prefix) {
        if (id == null || id.length() != prefix.length() + 33 || !id.startsWith(prefix + "_")) return false;
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }
}
