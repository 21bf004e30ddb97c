package com.mka1.server.cli;

/** A command cannot run as asked: bad flags, unreadable input. Printed to stderr; exit code 2. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
