package com.mka1.api;

/**
 * Base of every error the API reports. Carries what the HTTP error envelope needs, so a server
 * maps it in one place: {@code {"error": {"message", "type", "param", "code"}}} with
 * {@link #httpStatus()}.
 */
public abstract sealed class Mka1Exception extends RuntimeException
        permits InvalidRequestException, AuthenticationException, PermissionDeniedException, NotFoundException,
        ConflictException, PayloadTooLargeException, UnsupportedMediaTypeException, RateLimitException,
        ServerException, InsufficientStorageException {
    private final String param;
    private final String code;

    protected Mka1Exception(String message, String param, String code, Throwable cause) {
        super(message, cause);
        this.param = param;
        this.code = code;
    }

    /** The HTTP status this error answers with. */
    public abstract int httpStatus();

    /** The envelope's {@code type} ("invalid_request_error", "authentication_error", ...). */
    public abstract String type();

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }

    /** A machine-readable error code ("invalid_file", "file_not_found", ...), or null. */
    public String code() {
        return code;
    }
}
