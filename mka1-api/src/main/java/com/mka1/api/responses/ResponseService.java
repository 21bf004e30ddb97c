package com.mka1.api.responses;

import java.util.function.Consumer;

/**
 * The {@code /responses} resource ({@code mka1.responses()}), bound to one caller: a stored
 * response is visible only to the caller that created it. Requests to one model are served one at
 * a time (they share the model's compute device); requests to different models run in parallel.
 * Thread-safe.
 */
public interface ResponseService {
    /** Generates a whole response. The {@code stream} flag of the request is ignored. */
    Response create(ResponseCreateParams params);

    /**
     * Generates a response and hands each stream event to {@code events} as it happens, on the
     * calling thread; returns the final response (also delivered as the last event).
     */
    Response createStreaming(ResponseCreateParams params, Consumer<ResponseStreamEvent> events);

    /** A stored response; NotFound when the id is unknown or the response was not stored. */
    Response retrieve(String responseId);

    /** Deletes a stored response; NotFound when the id is unknown (or not the caller's). */
    ResponseDeleted delete(String responseId);
}
