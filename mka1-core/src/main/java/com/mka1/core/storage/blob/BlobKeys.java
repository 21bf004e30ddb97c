package com.mka1.core.storage.blob;

/** The one rule for blob keys, so a key means the same object in every store. */
public final class BlobKeys {
    private BlobKeys() {}

    /**
     * Returns {@code key} when it is a relative {@code /}-separated name of non-empty segments that
     * are not {@code .} or {@code ..}, made of letters, digits and {@code -_.:}; otherwise throws.
     */
    public static String check(String key) {
        if (key == null || key.isEmpty() || key.length() > 512) throw bad(key);
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) throw bad(key);
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_' || c == '.' || c == ':';
                if (!ok) throw bad(key);
            }
        }
        return key;
    }

    private static IllegalArgumentException bad(String key) {
        return new IllegalArgumentException("not a blob key: " + key);
    }
}
