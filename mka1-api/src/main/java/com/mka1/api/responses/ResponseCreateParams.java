package com.mka1.api.responses;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Responses create request. Null means "not given" for every optional field; defaults are
 * applied by the service (temperature 1, top_p 1, store true). {@code seed} and {@code stop} are
 * MKA1 extensions (OpenAI's Chat Completions has them, Responses does not) so that sampling can be
 * made reproducible and cut at stop sequences.
 *
 * @param model              model id ({@code owner:name}, {@code ft:...} or a checkpoint id), required
 * @param input              the prompt, required
 * @param instructions       system text placed before the input, or null
 * @param maxOutputTokens    upper bound on generated tokens, or null for the model's context limit
 * @param temperature        0..2; 0 is greedy decoding
 * @param topP               nucleus sampling mass in (0, 1]
 * @param stream             whether the answer is a stream of events
 * @param metadata           up to 16 string pairs stored with the response, never null
 * @param store              whether the response can be retrieved later (default true)
 * @param previousResponseId a stored response whose input and output precede this input, or null
 * @param user               end-user identifier, or null
 * @param seed               sampling seed, or null for a random one
 * @param stop               stop sequences (not included in the output), never null
 */
public record ResponseCreateParams(
        String model,
        ResponseInput input,
        String instructions,
        Integer maxOutputTokens,
        Double temperature,
        Double topP,
        boolean stream,
        Map<String, String> metadata,
        Boolean store,
        String previousResponseId,
        String user,
        Long seed,
        List<String> stop) {

    public ResponseCreateParams {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** A request with only the required fields. */
    public static ResponseCreateParams of(String model, ResponseInput input) {
        return new ResponseCreateParams(model, input, null, null, null, null, false, Map.of(), null, null, null, null, List.of());
    }

    /** A request with only the required fields and a string input. */
    public static ResponseCreateParams of(String model, String input) {
        return of(model, ResponseInput.of(input));
    }

    public ResponseCreateParams withInstructions(String value) {
        return new ResponseCreateParams(model, input, value, maxOutputTokens, temperature, topP, stream, metadata, store, previousResponseId, user, seed, stop);
    }

    public ResponseCreateParams withMaxOutputTokens(Integer value) {
        return new ResponseCreateParams(model, input, instructions, value, temperature, topP, stream, metadata, store, previousResponseId, user, seed, stop);
    }

    public ResponseCreateParams withTemperature(Double value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, value, topP, stream, metadata, store, previousResponseId, user, seed, stop);
    }

    public ResponseCreateParams withTopP(Double value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, value, stream, metadata, store, previousResponseId, user, seed, stop);
    }

    public ResponseCreateParams withStream(boolean value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, value, metadata, store, previousResponseId, user, seed, stop);
    }

    public ResponseCreateParams withMetadata(Map<String, String> value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, stream, value, store, previousResponseId, user, seed, stop);
    }

    public ResponseCreateParams withStore(Boolean value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, value, previousResponseId, user, seed, stop);
    }

    public ResponseCreateParams withPreviousResponseId(String value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, store, value, user, seed, stop);
    }

    public ResponseCreateParams withUser(String value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, store, previousResponseId, value, seed, stop);
    }

    public ResponseCreateParams withSeed(Long value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, store, previousResponseId, user, value, stop);
    }

    public ResponseCreateParams withStop(List<String> value) {
        return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, store, previousResponseId, user, seed, value);
    }
}
