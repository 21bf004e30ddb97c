package com.mka1.server.api;

import com.mka1.api.Mka1Exception;
import com.mka1.core.json.MalformedJsonException;
import com.mka1.core.storage.StorageFailures;
import com.mka1.server.http.ApiError;
import com.mka1.server.http.ErrorMapping;
import com.mka1.server.http.HttpProblem;

/**
 * The one mapping from what the facade throws to the error answer: its typed exceptions carry
 * status, type, param and code; malformed JSON is a 400; a write the full disk refused (spooling
 * an upload) is a 507; anything else is a generic 500 (the
 * dispatcher logs it, the client learns nothing about it).
 */
public final class ApiErrors implements ErrorMapping {
    @Override
    public ApiError toApiError(Throwable failure) {
        return switch (failure) {
            case HttpProblem problem -> problem.error();
            case Mka1Exception e -> new ApiError(e.httpStatus(), e.type(), e.getMessage(), e.param(), e.code());
            case MalformedJsonException e -> ApiError.badRequest(
                    "We could not parse the JSON body of your request: " + e.getMessage(), null, "invalid_json");
            default -> StorageFailures.outOfSpace(failure) ? ApiError.insufficientStorage() : ApiError.internal();
        };
    }
}
