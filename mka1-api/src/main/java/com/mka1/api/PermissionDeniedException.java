package com.mka1.api;

/** The key is valid but may not perform this call (e.g. fine-tuning without the admin role) (HTTP 403, type {@code permission_error}). */
public final class PermissionDeniedException extends Mka1Exception {
    public PermissionDeniedException(String message) {
        this(message, null, null);
    }

    public PermissionDeniedException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public PermissionDeniedException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 403;
    }

    @Override
    public String type() {
        return "permission_error";
    }
}
