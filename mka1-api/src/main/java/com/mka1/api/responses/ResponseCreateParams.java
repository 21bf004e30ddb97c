package com.mka1.api.responses;

import com.mka1.api.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A Responses create request. Null means "not given" for every optional field; defaults are
 * applied by the service (temperature 1, top_p 1, store true). {@code seed} and {@code stop} are
 * MKA1 extensions (OpenAI's Chat Completions has them, Responses does not) so that sampling can be
 * made reproducible and cut at stop sequences.
 *
 * @param model              model id ({@code owner:name}, {@code ft:...} or a checkpoint id), required
 * @param input              the prompt, required
 * @param instructions       system text placed before the input, or null
 * @param maxOutputTokens    upper bound on generated tokens (at least 1), or null for the model's context limit
 * @param temperature        0..2; 0 is greedy decoding
 * @param topP               nucleus sampling mass in (0, 1]
 * @param stream             whether the answer is a stream of events
 * @param metadata           up to 16 string pairs stored with the response, never null
 * @param store              whether the response can be retrieved later (default true)
 * @param previousResponseId a stored response whose input and output precede this input, or null
 * @param user               end-user identifier, or null
 * @param seed               sampling seed, or null for a random one
 * @param stop               stop sequences (not included in the output), never null
 * @param text               the output's format ({@code text.format}), never null ({@link TextFormat#TEXT} by default)
 * @param tools              {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} and {@code max_tool_calls};
 *                           never null ({@link Tools#NONE} by default)
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
        List<String> stop,
        TextFormat text,
        Tools tools) {

    /** Checks the ranges above, so a request made in Java is refused like one read from JSON (InvalidRequestException). */
    public ResponseCreateParams {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw invalid("temperature", "must be between 0 and 2, got " + temperature);
        }
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw invalid("top_p", "must be greater than 0 and at most 1, got " + topP);
        }
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw invalid("max_output_tokens", "must be at least 1, got " + maxOutputTokens);
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        stop = stop == null ? List.of() : List.copyOf(stop);
        text = text == null ? TextFormat.TEXT : text;
        tools = tools == null ? Tools.NONE : tools;
    }

    public ResponseCreateParams(String model, ResponseInput input, String instructions, Integer maxOutputTokens,
                                Double temperature, Double topP, boolean stream, Map<String, String> metadata, Boolean store,
                                String previousResponseId, String user, Long seed, List<String> stop, TextFormat text) {
        this(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, store, previousResponseId,
                user, seed, stop, text, Tools.NONE);
    }

    /** A request in free-text format (the fields before {@code text} was added). */
    public ResponseCreateParams(String model, ResponseInput input, String instructions, Integer maxOutputTokens,
                                Double temperature, Double topP, boolean stream, Map<String, String> metadata, Boolean store,
                                String previousResponseId, String user, Long seed, List<String> stop) {
        this(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, store, previousResponseId,
                user, seed, stop, TextFormat.TEXT);
    }

    private static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException("Invalid '" + field + "': " + problem + ".", field, "invalid_value");
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
        return with(c -> c.instructions = value);
    }

    public ResponseCreateParams withMaxOutputTokens(Integer value) {
        return with(c -> c.maxOutputTokens = value);
    }

    public ResponseCreateParams withTemperature(Double value) {
        return with(c -> c.temperature = value);
    }

    public ResponseCreateParams withTopP(Double value) {
        return with(c -> c.topP = value);
    }

    public ResponseCreateParams withStream(boolean value) {
        return with(c -> c.stream = value);
    }

    public ResponseCreateParams withMetadata(Map<String, String> value) {
        return with(c -> c.metadata = value);
    }

    public ResponseCreateParams withStore(Boolean value) {
        return with(c -> c.store = value);
    }

    public ResponseCreateParams withPreviousResponseId(String value) {
        return with(c -> c.previousResponseId = value);
    }

    public ResponseCreateParams withUser(String value) {
        return with(c -> c.user = value);
    }

    public ResponseCreateParams withSeed(Long value) {
        return with(c -> c.seed = value);
    }

    public ResponseCreateParams withStop(List<String> value) {
        return with(c -> c.stop = value);
    }

    public ResponseCreateParams withText(TextFormat value) {
        return with(c -> c.text = value);
    }

    public ResponseCreateParams withTools(Tools value) {
        return with(c -> c.tools = value);
    }

    public ResponseCreateParams withModel(String value) {
        return with(c -> c.model = value);
    }

    public ResponseCreateParams withInput(ResponseInput value) {
        return with(c -> c.input = value);
    }

    private ResponseCreateParams with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The fields of a request being copied with one of them changed. */
    private static final class Copy {
        String model;
        ResponseInput input;
        String instructions;
        Integer maxOutputTokens;
        Double temperature;
        Double topP;
        boolean stream;
        Map<String, String> metadata;
        Boolean store;
        String previousResponseId;
        String user;
        Long seed;
        List<String> stop;
        TextFormat text;
        Tools tools;

        Copy(ResponseCreateParams p) {
            model = p.model;
            input = p.input;
            instructions = p.instructions;
            maxOutputTokens = p.maxOutputTokens;
            temperature = p.temperature;
            topP = p.topP;
            stream = p.stream;
            metadata = p.metadata;
            store = p.store;
            previousResponseId = p.previousResponseId;
            user = p.user;
            seed = p.seed;
            stop = p.stop;
            text = p.text;
            tools = p.tools;
        }

        ResponseCreateParams build() {
            return new ResponseCreateParams(model, input, instructions, maxOutputTokens, temperature, topP, stream, metadata, store, previousResponseId, user, seed, stop, text, tools);
        }
    }
}
