package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.api.responses.TextFormat;
import com.mka1.core.inference.constrained.JsonSchemaCompilerTest;
import com.mka1.core.inference.constrained.SchemaValidator;
import com.mka1.core.json.Json;
import com.mka1.core.registry.ModelAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structured outputs from a random-weight model: every sample at temperature 1 is a valid document. */
class StructuredOutputsTest {
    private static final int SAMPLES = 100;

    @TempDir
    Path root;

    private ModelCache<ServedModel> cache;
    private ResponsesService service;

    @BeforeEach
    void setUp() throws IOException {
        MicroModel.write(root.resolve("models"));
        ServingFixture fixture = new ServingFixture(root);
        cache = new ModelCache<>(1L << 30);
        service = new ResponsesService(cache, fixture.loader(false), new ModelAccess(fixture.registry, job -> null),
                new ResponseStore(root.resolve("responses")),
                Caller.NONE, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private ResponseCreateParams sample(TextFormat format, long seed) {
        return ResponseCreateParams.of(MicroModel.ID, "Describe a person as JSON.").withTemperature(1.0).withSeed(seed)
                .withMaxOutputTokens(160).withStore(false).withText(format);
    }

    @Test
    void everySampleOfANestedSchemaParsesAndValidates() {
        JsonValue schema = JsonSchemaCompilerTest.nestedSchema();
        TextFormat format = new TextFormat.JsonSchema("person", null, schema, true);
        List<String> texts = new ArrayList<>();
        for (long seed = 0; seed < SAMPLES; seed++) {
            Response r = service.create(sample(format, seed));
            assertThat(r.status()).as("seed %d: %s", seed, r.outputText()).isEqualTo(ResponseStatus.COMPLETED);
            JsonValue doc = Json.parse(r.outputText());
            assertThat(SchemaValidator.problems(schema, doc)).as("seed %d: %s", seed, r.outputText()).isEmpty();
            assertThat(r.text()).isEqualTo(format);
            texts.add(r.outputText());
        }
        assertThat(texts.stream().distinct().count()).as("sampled, not one forced answer").isEqualTo(SAMPLES);
    }

    @Test
    void everySampleOfJsonObjectIsAnObject() {
        List<String> texts = new ArrayList<>();
        for (long seed = 0; seed < SAMPLES; seed++) {
            Response r = service.create(sample(new TextFormat.JsonObject(), seed));
            assertThat(r.status()).as("seed %d: %s", seed, r.outputText()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(Json.parse(r.outputText())).as(r.outputText()).isInstanceOf(JsonValue.Obj.class);
            texts.add(r.outputText());
        }
        // a random model often closes at once ("{}"); the rest differ
        assertThat(texts).contains("{}");
        assertThat(texts.stream().distinct().count()).as("sampled, not one forced answer").isGreaterThan(SAMPLES / 3);
    }

    @Test
    void streamedDeltasAddUpToTheConstrainedText() {
        TextFormat format = new TextFormat.JsonSchema("person", null, JsonSchemaCompilerTest.nestedSchema(), true);
        StringBuilder deltas = new StringBuilder();
        Response r = service.createStreaming(sample(format, 5).withStream(true), e -> {
            if (e instanceof ResponseStreamEvent.OutputTextDelta d) deltas.append(d.delta());
        });
        assertThat(deltas.toString()).isEqualTo(r.outputText());
        assertThat(SchemaValidator.problems(JsonSchemaCompilerTest.nestedSchema(), Json.parse(r.outputText()))).isEmpty();
    }

    @Test
    void aTooSmallBudgetStillEndsInAWholeDocumentWhenOneFits() {
        // the smallest instance is {"name":"","age":0,...} of about 120 bytes; the budget forces the model to close early
        int min = com.mka1.core.inference.constrained.JsonSchemaCompiler.compile(JsonSchemaCompilerTest.nestedSchema()).minBytes();
        TextFormat format = new TextFormat.JsonSchema("person", null, JsonSchemaCompilerTest.nestedSchema(), true);
        for (long seed = 0; seed < 5; seed++) {
            Response r = service.create(sample(format, seed).withMaxOutputTokens(min + 1));
            assertThat(r.status()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(SchemaValidator.problems(JsonSchemaCompilerTest.nestedSchema(), Json.parse(r.outputText()))).isEmpty();
        }
    }

    @Test
    void anUnsupportedKeywordIsRefusedNamingIt() {
        JsonValue schema = Json.parse("{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":\"string\",\"format\":\"zip\"}}}");
        assertThatThrownBy(() -> service.create(sample(new TextFormat.JsonSchema("address", null, schema, true), 1)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("text.format.schema");
                    assertThat(e.code()).isEqualTo("invalid_json_schema");
                    assertThat(e.getMessage()).isEqualTo("Invalid schema for response_format 'address': unsupported keyword "
                            + "'format' (at #/properties/zip).");
                });
    }

    @Test
    void freeTextIsUnchangedAndEchoesTheTextFormat() {
        Response r = service.create(sample(TextFormat.TEXT, 3));
        assertThat(r.text()).isEqualTo(TextFormat.TEXT);
    }
}
