package com.mka1.core.json;

import com.mka1.api.InvalidRequestException;

import java.util.Map;

/** The spec's bound on {@code metadata} (jobs and responses alike): 16 pairs, keys of 64 and values of 512 characters. */
public final class Metadata {
    public static final int MAX_PAIRS = 16;
    public static final int MAX_KEY = 64;
    public static final int MAX_VALUE = 512;

    private Metadata() {}

    /** 400 ({@code invalid_metadata}) naming the first pair over a limit. */
    public static void check(Map<String, String> metadata) {
        if (metadata.size() > MAX_PAIRS) {
            throw new InvalidRequestException("Invalid 'metadata': " + metadata.size() + " pairs (at most "
                    + MAX_PAIRS + ").", "metadata", "invalid_metadata");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().length() > MAX_KEY) {
                throw new InvalidRequestException("Invalid 'metadata': key " + Quoted.prefix(e.getKey()) + " is longer than "
                        + MAX_KEY + " characters.", "metadata", "invalid_metadata");
            }
            if (e.getValue().length() > MAX_VALUE) {
                throw new InvalidRequestException("Invalid 'metadata': the value of " + Quoted.prefix(e.getKey())
                        + " is longer than " + MAX_VALUE + " characters.", "metadata", "invalid_metadata");
            }
        }
    }
}
