package com.mka1.server.http;

/** Turns whatever a handler threw into the error answer; the single place errors get a status. */
@FunctionalInterface
public interface ErrorMapping {
    ApiError toApiError(Throwable failure);
}
