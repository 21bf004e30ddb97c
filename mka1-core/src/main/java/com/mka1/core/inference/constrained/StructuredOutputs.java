package com.mka1.core.inference.constrained;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.responses.TextFormat;
import com.mka1.core.json.Json;
import com.mka1.core.tokenizer.Tokenizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured outputs for one tokenizer: turns a request's {@link TextFormat} into the
 * {@link TokenConstraint} that enforces it, keeping the last few compiled (by schema) so repeated
 * requests with one schema share their cached token masks. Thread-safe.
 */
public final class StructuredOutputs {
    private static final int CACHED = 16;

    private final Tokenizer tokenizer;
    private TokenVocabulary vocabulary;
    private final Map<String, TokenConstraint> compiled = new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenConstraint> eldest) {
            return size() > CACHED;
        }
    };

    public StructuredOutputs(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * The constraint for {@code format}, or null for free text.
     *
     * @param schemaParam the request field that holds the schema, named by the error when it cannot be enforced
     * @throws InvalidRequestException when the schema uses an unsupported keyword or has no finite instance
     */
    public TokenConstraint constraint(TextFormat format, String schemaParam) {
        String key = switch (format) {
            case TextFormat.Text t -> null;
            case TextFormat.JsonObject o -> "json_object";
            case TextFormat.JsonSchema s -> Json.write(Json.VALUE, s.schema());
        };
        if (key == null) {
            return null;
        }
        return cached(key, () -> grammar(format, schemaParam));
    }

    /** The constraint of the grammar {@code key} names, compiled by {@code grammar} when it is not among the last few. */
    public TokenConstraint cached(String key, java.util.function.Supplier<Grammar> grammar) {
        synchronized (this) {
            TokenConstraint known = compiled.get(key);
            if (known != null) {
                return known;
            }
        }
        Grammar built = grammar.get();
        synchronized (this) {
            if (vocabulary == null) {
                vocabulary = TokenVocabulary.of(tokenizer);
            }
            return compiled.computeIfAbsent(key, k -> new TokenConstraint(built, vocabulary));
        }
    }

    /** The grammar {@code format} asks for (null for free text), refusing an unenforceable schema as a 400. */
    public static Grammar grammar(TextFormat format, String schemaParam) {
        return switch (format) {
            case TextFormat.Text t -> null;
            case TextFormat.JsonObject o -> JsonSchemaCompiler.anyObject();
            case TextFormat.JsonSchema s -> {
                try {
                    yield JsonSchemaCompiler.compile(s.schema());
                } catch (UnsupportedSchemaException e) {
                    throw new InvalidRequestException("Invalid schema for response_format '" + s.name() + "': "
                            + e.getMessage() + ".", schemaParam, "invalid_json_schema", e);
                }
            }
        };
    }
}
