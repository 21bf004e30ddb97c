package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.NotFoundException;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseError;
import com.mka1.api.responses.ResponseInput;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.registry.ModelAccess;
import com.mka1.core.registry.tiny.TinyModel;
import com.mka1.core.tokenizer.ChatTemplates;
import com.mka1.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Responses API over the embedded model on the reference backend. */
class ResponsesServiceTest {
    @TempDir
    Path root;

    private ModelCache<ServedModel> cache;
    private ResponsesService service;
    private ResponsesService otherUser;
    private ResponsesService keyHolder;

    @BeforeEach
    void setUp() throws IOException {
        ServingFixture fixture = new ServingFixture(root);
        cache = new ModelCache<>(1L << 30);
        ResponseStore store = new ResponseStore(root.resolve("responses"));
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_750_000_000L), ZoneOffset.UTC);
        // FT was trained for user-1; FT_OTHER by a job made without X-On-Behalf-Of (shared)
        ModelAccess access = new ModelAccess(fixture.registry, job -> job.equals("ftjob_1") ? "user-1" : null);
        service = new ResponsesService(cache, fixture.loader(false), access, store, Caller.onBehalfOf("user-1"), clock);
        otherUser = new ResponsesService(cache, fixture.loader(false), access, store, Caller.onBehalfOf("user-2"), clock);
        keyHolder = new ResponsesService(cache, fixture.loader(false), access, store, Caller.NONE, clock);
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private static ResponseCreateParams greedy(String model, String input, int max) {
        return ResponseCreateParams.of(model, input).withTemperature(0.0).withMaxOutputTokens(max);
    }

    @Test
    void answersWithTheSpecShapeUsageAndIncompleteDetails() {
        Response r = service.create(greedy(TinyModel.ID, "Where is my order?", 6).withInstructions("Be kind.")
                .withMetadata(Map.of("ticket", "42")));
        int promptTokens = promptLength(List.of(ChatMessage.of("system", "Be kind."), ChatMessage.of("user", "Where is my order?")));
        assertThat(r.id()).matches("resp_[0-9a-f]{32}");
        assertThat(r.createdAt()).isEqualTo(1_750_000_000L);
        assertThat(r.model()).isEqualTo(TinyModel.ID);
        assertThat(r.temperature()).isEqualTo(0.0);
        assertThat(r.topP()).isEqualTo(1.0);
        assertThat(r.instructions()).isEqualTo("Be kind.");
        assertThat(r.metadata()).isEqualTo(Map.of("ticket", "42"));
        assertThat(r.output()).hasSize(1);
        OutputMessage message = (OutputMessage) r.output().getFirst();
        assertThat(message.id()).matches("msg_[0-9a-f]{32}");
        assertThat(message.role()).isEqualTo("assistant");
        assertThat(r.usage().inputTokens()).isEqualTo(promptTokens);
        if (r.usage().outputTokens() == 6) {
            assertThat(r.status()).isEqualTo(ResponseStatus.INCOMPLETE);
            assertThat(r.incompleteDetails().reason()).isEqualTo("max_output_tokens");
        } else {
            assertThat(r.status()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(r.incompleteDetails()).isNull();
        }
        assertThat(r.usage().totalTokens()).isEqualTo(promptTokens + r.usage().outputTokens());
    }

    private int promptLength(List<ChatMessage> messages) {
        Path dir = root.resolve("models").resolve(TinyModel.RELATIVE_DIR);
        var tokenizer = Tokenizers.load(dir);
        return ChatTemplates.load(dir, tokenizer).render(messages, null, true).ids().length;
    }

    @Test
    void streamedEventsFollowTheSpecAndCarryTheSameTextAsTheWholeAnswer() {
        ResponseCreateParams params = greedy(ServingFixture.FT, "My package is late.", 12);
        Response whole = service.create(params);
        List<ResponseStreamEvent> events = new ArrayList<>();
        Response streamed = service.createStreaming(params.withStream(true), events::add);

        assertThat(streamed.outputText()).isEqualTo(whole.outputText());
        assertThat(streamed.usage()).isEqualTo(whole.usage());
        List<String> types = events.stream().map(ResponseStreamEvent::type).toList();
        String finished = streamed.status() == ResponseStatus.COMPLETED ? "response.completed" : "response.incomplete";
        assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size())).containsExactly("response.output_text.done",
                "response.content_part.done", "response.output_item.done", finished);
        assertThat(types.subList(4, types.size() - 4)).allMatch("response.output_text.delta"::equals);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).sequenceNumber()).isEqualTo(i);
        }
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(e -> e instanceof ResponseStreamEvent.OutputTextDelta)
                .forEach(e -> deltas.append(((ResponseStreamEvent.OutputTextDelta) e).delta()));
        assertThat(deltas.toString()).isEqualTo(whole.outputText());
        assertThat(((ResponseStreamEvent.Created) events.getFirst()).response().status()).isEqualTo(ResponseStatus.IN_PROGRESS);
        assertThat(((ResponseStreamEvent.Finished) events.getLast()).response()).isEqualTo(streamed);
    }

    @Test
    void aFailureMidGenerationEndsTheStreamWithAnErrorEventThenResponseFailed() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        // The delta callback runs inside generation: failing on the first delta fails generation mid-way.
        Response failed = service.createStreaming(greedy(TinyModel.ID, "Where is my order?", 8).withStream(true), event -> {
            events.add(event);
            if (event instanceof ResponseStreamEvent.OutputTextDelta) throw new IllegalStateException("device lost");
        });

        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.error()).isEqualTo(new ResponseError("server_error", "generation failed: device lost"));
        assertThat(failed.output()).isEmpty();
        assertThat(failed.usage()).isNull();
        assertThat(failed.incompleteDetails()).isNull();
        assertThat(events.stream().map(ResponseStreamEvent::type)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "error",
                "response.failed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).sequenceNumber()).isEqualTo(i);
        }
        assertThat(events.get(5)).isEqualTo(new ResponseStreamEvent.Error(5, "server_error", "generation failed: device lost", null));
        assertThat(((ResponseStreamEvent.Finished) events.getLast()).response()).isEqualTo(failed);
        assertThat(service.retrieve(failed.id())).isEqualTo(failed);
        // The model is released: the next request on it answers normally.
        assertThat(service.create(greedy(TinyModel.ID, "Hello", 2)).status()).isNotEqualTo(ResponseStatus.FAILED);
    }

    @Test
    void requestsMadeInJavaAreRefusedLikeJsonOnesNamingTheField() {
        assertThatThrownBy(() -> ResponseCreateParams.of(TinyModel.ID, "Hi").withTopP(0.0))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("top_p"))
                .hasMessage("Invalid 'top_p': must be greater than 0 and at most 1, got 0.0.");
        assertThatThrownBy(() -> ResponseCreateParams.of(TinyModel.ID, "Hi").withTemperature(2.5))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("temperature"))
                .hasMessage("Invalid 'temperature': must be between 0 and 2, got 2.5.");
        assertThatThrownBy(() -> ResponseCreateParams.of(TinyModel.ID, "Hi").withMaxOutputTokens(0))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("max_output_tokens"))
                .hasMessage("Invalid 'max_output_tokens': must be at least 1, got 0.");
    }

    @Test
    void storedResponsesAreReadBackByTheirCallerOnlyAndChainWithPreviousResponseId() {
        Response first = service.create(greedy(TinyModel.ID, "Hello", 4));
        assertThat(service.retrieve(first.id())).isEqualTo(first);
        assertThat(keyHolder.retrieve(first.id())).isEqualTo(first);
        assertThatThrownBy(() -> otherUser.retrieve(first.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherUser.create(greedy(TinyModel.ID, "More", 2).withPreviousResponseId(first.id())))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.param()).isEqualTo("previous_response_id"));
        Response shared = keyHolder.create(greedy(TinyModel.ID, "Hello", 2));
        assertThat(otherUser.retrieve(shared.id())).isEqualTo(shared);
        Response unstored = service.create(greedy(TinyModel.ID, "Hello", 4).withStore(false));
        assertThatThrownBy(() -> service.retrieve(unstored.id()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.param()).isEqualTo("response_id"));

        Response second = service.create(greedy(TinyModel.ID, "And then?", 4).withPreviousResponseId(first.id()));
        int expected = promptLength(List.of(ChatMessage.of("user", "Hello"), ChatMessage.of("assistant", first.outputText()),
                ChatMessage.of("user", "And then?")));
        assertThat(second.usage().inputTokens()).isEqualTo(expected);
        assertThat(second.previousResponseId()).isEqualTo(first.id());
    }

    @Test
    void messageInputRendersLikeTheEquivalentStringAndSeedsReproduce() {
        Response text = service.create(greedy(TinyModel.ID, "Hi", 5));
        Response messages = service.create(ResponseCreateParams.of(TinyModel.ID,
                ResponseInput.of(List.of(new InputMessage("user", "Hi")))).withTemperature(0.0).withMaxOutputTokens(5));
        assertThat(messages.outputText()).isEqualTo(text.outputText());
        ResponseCreateParams sampled = ResponseCreateParams.of(TinyModel.ID, "Hi").withMaxOutputTokens(8).withSeed(7L)
                .withTemperature(1.5);
        assertThat(service.create(sampled).outputText()).isEqualTo(service.create(sampled).outputText());
    }

    @Test
    void concurrentRequestsToOneModelAllGetTheSequentialAnswer() throws Exception {
        ResponseCreateParams params = greedy(ServingFixture.FT, "Is my refund done?", 6).withStore(false);
        String expected = service.create(params).outputText();
        List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                String model = i % 2 == 0 ? ServingFixture.FT : ServingFixture.FT_OTHER;
                answers.add(pool.submit(() -> model.equals(ServingFixture.FT)
                        ? service.create(params).outputText()
                        : otherUser.create(greedy(ServingFixture.FT_OTHER, "Is my refund done?", 6).withStore(false)).outputText()));
            }
        }
        String other = service.create(greedy(ServingFixture.FT_OTHER, "Is my refund done?", 6).withStore(false)).outputText();
        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).get()).isEqualTo(i % 2 == 0 ? expected : other);
        }
    }

    @Test
    void anotherEndUsersFineTunedModelIsNotFoundButSharedAndBaseModelsAnswer() {
        assertThatThrownBy(() -> otherUser.create(greedy(ServingFixture.FT, "Hi", 2)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.param()).isEqualTo("model");
                    assertThat(e.code()).isEqualTo("model_not_found");
                }).hasMessage("The model '" + ServingFixture.FT + "' does not exist.");
        assertThat(service.create(greedy(ServingFixture.FT, "Hi", 2).withStore(false)).outputText())
                .isEqualTo(keyHolder.create(greedy(ServingFixture.FT, "Hi", 2).withStore(false)).outputText());
        assertThat(otherUser.create(greedy(ServingFixture.FT_OTHER, "Hi", 2).withStore(false)).status())
                .isNotEqualTo(ResponseStatus.FAILED);
        assertThat(otherUser.create(greedy(TinyModel.ID, "Hi", 2).withStore(false)).status())
                .isNotEqualTo(ResponseStatus.FAILED);
    }

    @Test
    void unknownModelsAndOverlongInputsFailBeforeAnyEvent() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        assertThatThrownBy(() -> service.createStreaming(greedy("acme:nope", "Hi", 4), events::add))
                .isInstanceOf(NotFoundException.class);
        assertThat(events).isEmpty();

        assertThatThrownBy(() -> service.createStreaming(greedy(TinyModel.ID, "x".repeat(600), 4), events::add))
                .isInstanceOfSatisfying(com.mka1.api.InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("input");
                    assertThat(e.code()).isEqualTo("context_length_exceeded");
                });
        assertThat(events).isEmpty();
    }
}
