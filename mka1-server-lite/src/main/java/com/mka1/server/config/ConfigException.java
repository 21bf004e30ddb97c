package com.mka1.server.config;

/** A setting is missing, malformed or unsafe; the message names the flag or variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
