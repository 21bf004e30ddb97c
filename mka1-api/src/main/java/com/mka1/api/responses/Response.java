package com.mka1.api.responses;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A response object, as {@code POST /responses} returns it and {@code GET /responses/{id}} reads it
 * back.
 *
 * @param id                 {@code resp_} + 32 hex
 * @param createdAt          Unix seconds
 * @param status             completed, incomplete, failed or in_progress
 * @param model              the model id that answered
 * @param error              set when status is failed, else null
 * @param incompleteDetails  set when status is incomplete, else null
 * @param instructions       the request's instructions, or null
 * @param maxOutputTokens    the request's limit, or null
 * @param metadata           the request's metadata, never null
 * @param temperature        the temperature used
 * @param topP               the top_p used
 * @param previousResponseId the request's previous response, or null
 * @param output             the output items (an assistant message, function calls, or both)
 * @param usage              token counts, or null while in progress
 * @param user               the request's end user, or null
 * @param text               the request's output format, never null (echoed as {@code text.format})
 * @param tools              the request's tool settings, never null (echoed as {@code tools}, {@code tool_choice}, ...)
 */
public record Response(
        String id,
        long createdAt,
        ResponseStatus status,
        String model,
        ResponseError error,
        IncompleteDetails incompleteDetails,
        String instructions,
        Integer maxOutputTokens,
        Map<String, String> metadata,
        double temperature,
        double topP,
        String previousResponseId,
        List<OutputItem> output,
        ResponseUsage usage,
        String user,
        TextFormat text,
        Tools tools) {

    public Response {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(model, "model");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        output = List.copyOf(output);
        text = text == null ? TextFormat.TEXT : text;
        tools = tools == null ? Tools.NONE : tools;
    }

    public Response(String id, long createdAt, ResponseStatus status, String model, ResponseError error,
                    IncompleteDetails incompleteDetails, String instructions, Integer maxOutputTokens,
                    Map<String, String> metadata, double temperature, double topP, String previousResponseId,
                    List<OutputItem> output, ResponseUsage usage, String user, TextFormat text) {
        this(id, createdAt, status, model, error, incompleteDetails, instructions, maxOutputTokens, metadata, temperature,
                topP, previousResponseId, output, usage, user, text, Tools.NONE);
    }

    /** A response to a free-text request (the fields before {@code text} was added). */
    public Response(String id, long createdAt, ResponseStatus status, String model, ResponseError error,
                    IncompleteDetails incompleteDetails, String instructions, Integer maxOutputTokens,
                    Map<String, String> metadata, double temperature, double topP, String previousResponseId,
                    List<OutputItem> output, ResponseUsage usage, String user) {
        this(id, createdAt, status, model, error, incompleteDetails, instructions, maxOutputTokens, metadata, temperature,
                topP, previousResponseId, output, usage, user, TextFormat.TEXT);
    }

    /** The text of every output message, concatenated (the SDKs' {@code output_text} convenience). */
    public String outputText() {
        StringBuilder sb = new StringBuilder();
        for (OutputItem item : output) {
            if (item instanceof OutputMessage message) {
                sb.append(message.text());
            }
        }
        return sb.toString();
    }

    /** This response with another status, output, usage and incomplete details (streaming builds it up). */
    public Response finish(ResponseStatus newStatus, List<OutputItem> newOutput, ResponseUsage newUsage,
                           IncompleteDetails newIncompleteDetails, ResponseError newError) {
        return new Response(id, createdAt, newStatus, model, newError, newIncompleteDetails, instructions, maxOutputTokens,
                metadata, temperature, topP, previousResponseId, newOutput, newUsage, user, text, tools);
    }
}
