package com.mka1.core.inference;


import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.NotFoundException;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.IncompleteDetails;
import com.mka1.api.responses.InputItem;
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
import com.mka1.core.inference.constrained.ToolCallGrammar;
import com.mka1.core.inference.tools.ParsedTurn;
import com.mka1.core.inference.tools.ToolUse;
import com.mka1.core.registry.ModelAccess;
import com.mka1.core.json.Metadata;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Responses API over local models: renders the conversation with the model's chat template
 * (as training rendered it, tools included), generates (under the grammar of {@code text.format}
 * when it asks for JSON, or of the template's tool-call syntax when {@code tool_choice} requires a
 * call), reads function calls back out of the text, and stores the response when asked. Requests to one model
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
        if (params.input().items().isEmpty()) {
            throw new InvalidRequestException("Invalid 'input': give a string or at least one message.", "input", "invalid_value");
        }
        List<InputItem> conversation = conversation(params);
        Response pending = new Response(Ids.newId("resp"), clock.instant().getEpochSecond(), ResponseStatus.IN_PROGRESS,
                params.model(), null, null, params.instructions(), params.maxOutputTokens(), params.metadata(),
                params.temperature() == null ? 1.0 : params.temperature(), params.topP() == null ? 1.0 : params.topP(),
                params.previousResponseId(), List.of(), null, params.user(), params.text(), params.tools());
        EventSequence out = new EventSequence(events);
        // an unknown model or an input too long surfaces as an exception before any event is sent
        access.requireDescribed(params.model(), caller);
        ModelRoute route = loader.route(params.model());
        return models.withModel(route.key(), () -> loader.load(route), served -> {
            served.useAdapter(route.activeAdapter());
            ToolUse tools = ToolUse.of(params.tools(), served.chatTemplate().toolCallSyntax());
            GenerationRequest request = request(served, params, tools, conversation);
            return tools.callable() ? respondWithTools(served, request, tools, conversation, params.store(), pending, out)
                    : respond(served, request, conversation, params.store(), pending, out);
        });
    }

    /** Generates on a held model, emitting the stream events in the spec's order; stores the answer when asked. */
    private Response respond(ServedModel served, GenerationRequest request, List<InputItem> conversation, Boolean store,
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
            return failed(e, conversation, store, pending, out);
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
        return finish(finished, conversation, store, out);
    }

    /**
     * Generates with tools offered: the text is read whole, then given as function call items when it
     * parses as calls in the template's syntax (any text before them first, as a message), else as a
     * message; the stream events follow for each item in OpenAI's order.
     */
    private Response respondWithTools(ServedModel served, GenerationRequest request, ToolUse tools,
                                      List<InputItem> conversation, Boolean store, Response pending, EventSequence out) {
        out.emit(seq -> new ResponseStreamEvent.Created(seq, pending));
        out.emit(seq -> new ResponseStreamEvent.InProgress(seq, pending));
        GenerationResult result;
        try {
            result = served.generator().generate(request, delta -> {});
        } catch (RuntimeException e) {
            return failed(e, conversation, store, pending, out);
        }
        boolean cut = result.finishReason() == FinishReason.LENGTH;
        ResponseStatus status = cut ? ResponseStatus.INCOMPLETE : ResponseStatus.COMPLETED;
        Optional<ParsedTurn> turn = tools.parser().parse(result.text());
        List<OutputItem> items = new ArrayList<>();
        if (turn.isEmpty()) {
            items.add(emitMessage(result.text(), status, 0, out));
        } else {
            if (!turn.get().content().isEmpty()) {
                items.add(emitMessage(turn.get().content(), ResponseStatus.COMPLETED, 0, out));
            }
            int max = tools.maxCalls();
            for (ParsedTurn.Call call : turn.get().calls()) {
                if (max >= 0 && items.size() >= max + (turn.get().content().isEmpty() ? 0 : 1)) {
                    break; // max_tool_calls: the calls past the limit are not made
                }
                items.add(emitCall(call, items.size(), out));
            }
        }
        Response finished = pending.finish(status, items, ResponseUsage.of(result.promptTokens(), result.outputIds().length),
                cut ? IncompleteDetails.MAX_OUTPUT_TOKENS : null, null);
        return finish(finished, conversation, store, out);
    }

    /** One whole message item's events: added, content part, one text delta, done. */
    private static OutputMessage emitMessage(String text, ResponseStatus status, int index, EventSequence out) {
        String id = Ids.newId("msg");
        OutputText part = new OutputText(text);
        OutputMessage message = new OutputMessage(id, status, "assistant", List.of(part));
        out.emit(seq -> new ResponseStreamEvent.OutputItemAdded(seq, index,
                new OutputMessage(id, ResponseStatus.IN_PROGRESS, "assistant", List.of())));
        out.emit(seq -> new ResponseStreamEvent.ContentPartAdded(seq, id, index, 0, new OutputText("")));
        if (!text.isEmpty()) {
            out.emit(seq -> new ResponseStreamEvent.OutputTextDelta(seq, id, index, 0, text));
        }
        out.emit(seq -> new ResponseStreamEvent.OutputTextDone(seq, id, index, 0, text));
        out.emit(seq -> new ResponseStreamEvent.ContentPartDone(seq, id, index, 0, part));
        out.emit(seq -> new ResponseStreamEvent.OutputItemDone(seq, index, message));
        return message;
    }

    /** One function call item's events: added (no arguments yet), arguments delta and done, item done. */
    private static FunctionCall emitCall(ParsedTurn.Call call, int index, EventSequence out) {
        String id = Ids.newId("fc");
        String callId = Ids.newId("call");
        FunctionCall done = new FunctionCall(id, callId, call.name(), call.arguments(), ResponseStatus.COMPLETED);
        out.emit(seq -> new ResponseStreamEvent.OutputItemAdded(seq, index,
                new FunctionCall(id, callId, call.name(), "", ResponseStatus.IN_PROGRESS)));
        out.emit(seq -> new ResponseStreamEvent.FunctionCallArgumentsDelta(seq, id, index, call.arguments()));
        out.emit(seq -> new ResponseStreamEvent.FunctionCallArgumentsDone(seq, id, index, call.name(), call.arguments()));
        out.emit(seq -> new ResponseStreamEvent.OutputItemDone(seq, index, done));
        return done;
    }

    /** Stores a finished response (its output appended to the conversation) when asked, and sends its last event. */
    private Response finish(Response finished, List<InputItem> conversation, Boolean store, EventSequence out) {
        if (store == null || store) {
            List<InputItem> all = new ArrayList<>(conversation);
            for (OutputItem item : finished.output()) {
                switch (item) {
                    case OutputMessage m -> all.add(new InputMessage("assistant", m.text()));
                    case FunctionCall c -> all.add(c);
                }
            }
            this.store.save(new StoredResponse(caller.endUserId(), all, finished));
        }
        out.emit(seq -> new ResponseStreamEvent.Finished(seq, finished));
        return finished;
    }

    private Response failed(RuntimeException e, List<InputItem> conversation, Boolean store, Response pending,
                            EventSequence out) {
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
    private List<InputItem> conversation(ResponseCreateParams params) {
        List<InputItem> all = new ArrayList<>();
        if (params.previousResponseId() != null) {
            all.addAll(stored(params.previousResponseId(), "previous_response_id").conversation());
        }
        all.addAll(params.input().items());
        return all;
    }

    private static GenerationRequest request(ServedModel served, ResponseCreateParams params, ToolUse tools,
                                             List<InputItem> conversation) {
        ToolUse.Forced forced = tools.callable() ? tools.forced() : null;
        TokenConstraint constraint = forced == null
                ? served.structuredOutputs().constraint(params.text(), "text.format.schema")
                : constraint(served, forced);
        // auto: a call the model begins is held to the call syntax and its strict arguments to their schema
        ToolUse.Forced optional = tools.callable() && forced == null ? tools.optional() : null;
        GenerationRequest.Triggered triggered = optional == null ? null
                : new GenerationRequest.Triggered(tools.trigger(), constraint(served, optional));
        List<ChatMessage> messages = new ArrayList<>();
        if (params.instructions() != null) {
            messages.add(ChatMessage.of("system", params.instructions()));
        }
        messages.addAll(ToolUse.messages(conversation)); // templates know system, not OpenAI's newer developer role
        int[] prompt = served.chatTemplate().render(messages, tools.toolsJson(), true).ids();
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
        return new GenerationRequest(prompt, max, sampling, served.stopTokenIds(), new StopSequences(stops), constraint,
                triggered);
    }

    private static TokenConstraint constraint(ServedModel served, ToolUse.Forced calls) {
        return served.structuredOutputs().cached(calls.key(),
                () -> ToolCallGrammar.calls(calls.functions(), calls.syntax(), calls.minCalls(), calls.maxCalls()));
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
