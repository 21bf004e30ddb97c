package com.mka1.core.inference;


import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.NotFoundException;
import com.mka1.api.responses.IncompleteDetails;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.OutputItem;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.OutputText;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseDeleted;
import com.mka1.api.responses.ResponseError;
import com.mka1.api.responses.ResponseService;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.api.responses.ResponseUsage;
import com.mka1.core.storage.Ids;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.inference.constrained.TokenConstraint;
import com.mka1.core.registry.ModelAccess;
import com.mka1.core.json.Metadata;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Responses API over local models: renders the conversation with the model's chat template
 * (as training rendered it), generates (under the grammar of {@code text.format} when it asks for
 * JSON), and stores the response when asked. Requests to one model
 * are serialised by the {@link ModelCache}.
 */
public final class ResponsesService implements ResponseService {
    private static final Logger log = LoggerFactory.getLogger(ResponsesService.class);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final ModelCache<ServedModel> models;
    private final ServedModelLoader loader;
    private final ModelAccess access;
    private final ResponseStore store;
    private final Caller caller;
    private final Clock clock;

    /** @param access the models {@code caller} may use (another end user's fine-tuned model is not found) */
    public ResponsesService(ModelCache<ServedModel> models, ServedModelLoader loader, ModelAccess access, ResponseStore store,
                            Caller caller, Clock clock) {
        this.models = models;
        this.loader = loader;
        this.access = access;
        this.store = store;
        this.caller = caller;
        this.clock = clock;
    }

    @Override
    public Response create(ResponseCreateParams params) {
        return createStreaming(params, event -> {});
    }

    @Override
    public Response createStreaming(ResponseCreateParams params, Consumer<ResponseStreamEvent> events) {
        Metadata.check(params.metadata());
        if (params.input().messages().isEmpty()) {
            throw new InvalidRequestException("Invalid 'input': give a string or at least one message.", "input", "invalid_value");
        }
        List<InputMessage> conversation = conversation(params);
        Response pending = new Response(Ids.newId("resp"), clock.instant().getEpochSecond(), ResponseStatus.IN_PROGRESS,
                params.model(), null, null, params.instructions(), params.maxOutputTokens(), params.metadata(),
                params.temperature() == null ? 1.0 : params.temperature(), params.topP() == null ? 1.0 : params.topP(),
                params.previousResponseId(), List.of(), null, params.user(), params.text());
        EventSequence out = new EventSequence(events);
        // an unknown model or an input too long surfaces as an exception before any event is sent
        access.require(params.model(), caller);
        ModelRoute route = loader.route(params.model());
        return models.withModel(route.key(), () -> loader.load(route), served -> {
            served.useAdapter(route.activeAdapter());
            return respond(served, request(served, params, conversation), conversation, params.store(), pending, out);
        });
    }

    /** Generates on a held model, emitting the stream events in the spec's order; stores the answer when asked. */
    private Response respond(ServedModel served, GenerationRequest request, List<InputMessage> conversation, Boolean store,
                             Response pending, EventSequence out) {
        String messageId = Ids.newId("msg");
        out.emit(seq -> new ResponseStreamEvent.Created(seq, pending));
        out.emit(seq -> new ResponseStreamEvent.InProgress(seq, pending));
        out.emit(seq -> new ResponseStreamEvent.OutputItemAdded(seq, 0,
                new OutputMessage(messageId, ResponseStatus.IN_PROGRESS, "assistant", List.of())));
        out.emit(seq -> new ResponseStreamEvent.ContentPartAdded(seq, messageId, 0, 0, new OutputText("")));
        GenerationResult result;
        try {
            result = served.generator().generate(request,
                    delta -> out.emit(seq -> new ResponseStreamEvent.OutputTextDelta(seq, messageId, 0, 0, delta)));
        } catch (RuntimeException e) {
            log.error("generation failed for model {}", pending.model(), e);
            ResponseError error = new ResponseError("server_error", "generation failed: " + e.getMessage());
            Response failed = pending.finish(ResponseStatus.FAILED, List.of(), null, null, error);
            if (store == null || store) {
                this.store.save(new StoredResponse(caller.endUserId(), conversation, failed)); // retrievable, like any response
            }
            out.emit(seq -> new ResponseStreamEvent.Error(seq, error.code(), error.message(), null));
            out.emit(seq -> new ResponseStreamEvent.Finished(seq, failed));
            return failed;
        }
        boolean cut = result.finishReason() == FinishReason.LENGTH;
        ResponseStatus status = cut ? ResponseStatus.INCOMPLETE : ResponseStatus.COMPLETED;
        OutputText part = new OutputText(result.text());
        OutputMessage message = new OutputMessage(messageId, status, "assistant", List.of(part));
        out.emit(seq -> new ResponseStreamEvent.OutputTextDone(seq, messageId, 0, 0, result.text()));
        out.emit(seq -> new ResponseStreamEvent.ContentPartDone(seq, messageId, 0, 0, part));
        out.emit(seq -> new ResponseStreamEvent.OutputItemDone(seq, 0, message));
        Response finished = pending.finish(status, List.<OutputItem>of(message),
                ResponseUsage.of(result.promptTokens(), result.outputIds().length),
                cut ? IncompleteDetails.MAX_OUTPUT_TOKENS : null, null);
        if (store == null || store) {
            List<InputMessage> all = new ArrayList<>(conversation);
            all.add(new InputMessage("assistant", result.text()));
            this.store.save(new StoredResponse(caller.endUserId(), all, finished));
        }
        out.emit(seq -> new ResponseStreamEvent.Finished(seq, finished));
        return finished;
    }

    @Override
    public Response retrieve(String responseId) {
        return stored(responseId, "response_id").response();
    }

    @Override
    public ResponseDeleted delete(String responseId) {
        stored(responseId, "response_id");
        if (!store.delete(responseId)) throw notFound(responseId, "response_id"); // deleted meanwhile
        return new ResponseDeleted(responseId, true);
    }

    private StoredResponse stored(String responseId, String param) {
        return store.find(responseId).filter(s -> caller.canSee(s.endUserId()))
                .orElseThrow(() -> notFound(responseId, param));
    }

    private static NotFoundException notFound(String responseId, String param) {
        return new NotFoundException("No response found with id '" + responseId + "'.", param, "response_not_found");
    }

    /** Previous turns (from previous_response_id) followed by this request's input. */
    private List<InputMessage> conversation(ResponseCreateParams params) {
        List<InputMessage> all = new ArrayList<>();
        if (params.previousResponseId() != null) {
            all.addAll(stored(params.previousResponseId(), "previous_response_id").conversation());
        }
        all.addAll(params.input().messages());
        return all;
    }

    private static GenerationRequest request(ServedModel served, ResponseCreateParams params, List<InputMessage> conversation) {
        TokenConstraint constraint = served.structuredOutputs().constraint(params.text(), "text.format.schema");
        List<ChatMessage> messages = new ArrayList<>();
        if (params.instructions() != null) {
            messages.add(ChatMessage.of("system", params.instructions()));
        }
        for (InputMessage m : conversation) {
            // templates know system, not OpenAI's newer developer role
            messages.add(ChatMessage.of(m.role().equals("developer") ? "system" : m.role(), m.content()));
        }
        int[] prompt = served.chatTemplate().render(messages, null, true).ids();
        int room = served.contextLength() - prompt.length;
        if (room < 1) {
            throw new InvalidRequestException("The input is " + prompt.length + " tokens; model '" + params.model()
                    + "' holds " + served.contextLength() + ".", "input", "context_length_exceeded");
        }
        int max = params.maxOutputTokens() == null ? room : params.maxOutputTokens();
        long seed = params.seed() != null ? params.seed() : SEEDS.nextLong();
        SamplingSettings sampling = new SamplingSettings(params.temperature() == null ? 1.0 : params.temperature(),
                params.topP() == null ? 1.0 : params.topP(), 0, 1.0, seed);
        List<String> stops = new ArrayList<>(params.stop() == null ? List.of() : params.stop());
        stops.addAll(served.chatTemplate().stopSequences());
        return new GenerationRequest(prompt, max, sampling, served.stopTokenIds(), new StopSequences(stops), constraint);
    }

    /** Numbers events in order and hands them on. */
    private static final class EventSequence {
        private final Consumer<ResponseStreamEvent> sink;
        private int next;

        EventSequence(Consumer<ResponseStreamEvent> sink) {
            this.sink = sink;
        }

        void emit(java.util.function.IntFunction<ResponseStreamEvent> event) {
            sink.accept(event.apply(next++));
        }
    }
}
