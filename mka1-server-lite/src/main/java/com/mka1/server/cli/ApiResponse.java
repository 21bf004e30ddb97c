package com.mka1.server.cli;

/** A successful answer from the server: status, content type and body text. */
public record ApiResponse(int status, String contentType, String body) {}
