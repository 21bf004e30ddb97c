package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.FunctionCallOutput;
import com.mka1.api.responses.FunctionTool;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.OutputItem;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseInput;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.api.responses.ToolChoice;
import com.mka1.api.responses.Tools;
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

/** Function calling in-process on a random-weight model: tool_choice variants, parallel calls, streaming, round trips. */
class ToolCallingTest {
    static final JsonValue ORDER_SCHEMA = Json.parse("""
            {"type":"object","properties":{"order_id":{"type":"string","maxLength":6},"express":{"type":"boolean"}},\
            "required":["order_id","express"],"additionalProperties":false}""");
    static final JsonValue REFUND_SCHEMA = Json.parse("""
            {"type":"object","properties":{"amount":{"type":"integer"},"reason":{"enum":["late","broken"]}},\
            "required":["amount","reason"],"additionalProperties":false}""");
    static final List<FunctionTool> FUNCTIONS = List.of(
            new FunctionTool("get_order", "Looks an order up.", ORDER_SCHEMA, true),
            new FunctionTool("refund", "Refunds an order.", REFUND_SCHEMA, true));

    @TempDir
    Path root;

    private ModelCache<ServedModel> cache;
    private ResponsesService service;
    private ServedModelLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        MicroModel.write(root.resolve("models"));
        ServingFixture fixture = new ServingFixture(root);
        cache = new ModelCache<>(1L << 30);
        loader = fixture.loader(false);
        service = new ResponsesService(cache, loader, new ModelAccess(fixture.registry, job -> null),
                new ResponseStore(root.resolve("responses")), Caller.NONE, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private static ResponseCreateParams ask(Tools tools, long seed) {
        return ResponseCreateParams.of(MicroModel.ID, "Where is order A12?").withTemperature(1.0).withSeed(seed)
                .withMaxOutputTokens(200).withTools(tools);
    }

    private static List<FunctionCall> calls(Response r) {
        return r.output().stream().filter(FunctionCall.class::isInstance).map(FunctionCall.class::cast).toList();
    }

    private static void assertValid(FunctionCall call) {
        assertThat(call.id()).matches("fc_[0-9a-f]{32}");
        assertThat(call.callId()).matches("call_[0-9a-f]{32}");
        assertThat(call.status()).isEqualTo(ResponseStatus.COMPLETED);
        JsonValue schema = call.name().equals("get_order") ? ORDER_SCHEMA : REFUND_SCHEMA;
        assertThat(SchemaValidator.problems(schema, Json.parse(call.arguments()))).as(call.arguments()).isEmpty();
    }

    @Test
    void requiredAlwaysCallsWithArgumentsThatValidate() {
        List<String> names = new ArrayList<>();
        int parallel = 0;
        for (long seed = 0; seed < 20; seed++) {
            Response r = service.create(ask(Tools.of(FUNCTIONS).withChoice(ToolChoice.REQUIRED), seed));
            assertThat(r.status()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(r.output()).as("seed %d", seed).isNotEmpty().allMatch(FunctionCall.class::isInstance);
            calls(r).forEach(ToolCallingTest::assertValid);
            calls(r).forEach(c -> names.add(c.name()));
            parallel += calls(r).size() > 1 ? 1 : 0;
            assertThat(r.tools().choice()).isEqualTo(ToolChoice.REQUIRED);
        }
        assertThat(names).as("sampled among the tools").contains("get_order", "refund");
        assertThat(parallel).as("parallel calls happen by default").isPositive();
    }

    @Test
    void aNamedFunctionIsTheOneCalledAndNoParallelMeansOneCall() {
        for (long seed = 0; seed < 10; seed++) {
            Response named = service.create(ask(Tools.of(FUNCTIONS).withChoice(new ToolChoice.Function("refund")), seed));
            assertThat(calls(named)).hasSize(1);
            assertThat(calls(named).getFirst().name()).isEqualTo("refund");
            assertValid(calls(named).getFirst());
            Response single = service.create(ask(Tools.of(FUNCTIONS).withChoice(ToolChoice.REQUIRED).withParallel(false), seed));
            assertThat(calls(single)).hasSize(1);
        }
        Response capped = service.create(ask(new Tools(FUNCTIONS, ToolChoice.REQUIRED, true, 1), 3));
        assertThat(calls(capped)).hasSize(1);
    }

    @Test
    void noneNeverCalls() {
        for (long seed = 0; seed < 10; seed++) {
            Response r = service.create(ask(Tools.of(FUNCTIONS).withChoice(ToolChoice.NONE), seed));
            assertThat(r.output()).singleElement().isInstanceOf(OutputMessage.class);
        }
    }

    @Test
    void streamedCallsFollowOpenAisEventOrder() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        Response r = service.createStreaming(ask(Tools.of(FUNCTIONS).withChoice(new ToolChoice.Function("get_order")), 4)
                .withStream(true), events::add);
        FunctionCall call = calls(r).getFirst();
        assertThat(events.stream().map(ResponseStreamEvent::type)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(events.stream().map(ResponseStreamEvent::sequenceNumber)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(events.get(2)).isEqualTo(new ResponseStreamEvent.OutputItemAdded(2, 0,
                new FunctionCall(call.id(), call.callId(), "get_order", "", ResponseStatus.IN_PROGRESS)));
        assertThat(events.get(3)).isEqualTo(new ResponseStreamEvent.FunctionCallArgumentsDelta(3, call.id(), 0, call.arguments()));
        assertThat(events.get(4)).isEqualTo(new ResponseStreamEvent.FunctionCallArgumentsDone(4, call.id(), 0, "get_order",
                call.arguments()));
        assertThat(events.get(5)).isEqualTo(new ResponseStreamEvent.OutputItemDone(5, 0, call));
    }

    @Test
    void theOutputOfACallContinuesTheConversationInlineAndThroughPreviousResponseId() {
        Response first = service.create(ask(Tools.of(FUNCTIONS).withChoice(new ToolChoice.Function("get_order")), 7));
        FunctionCall call = calls(first).getFirst();
        // through previous_response_id: the stored conversation holds the call
        Response answer = service.create(ResponseCreateParams.of(MicroModel.ID,
                        ResponseInput.ofItems(List.of(new FunctionCallOutput(call.callId(), "{\"status\":\"shipped\"}"))))
                .withPreviousResponseId(first.id()).withTools(Tools.of(FUNCTIONS).withChoice(ToolChoice.NONE))
                .withSeed(1L).withMaxOutputTokens(8));
        assertThat(answer.output()).singleElement().isInstanceOf(OutputMessage.class);
        // inline: the client replays the call and its output
        Response inline = service.create(ResponseCreateParams.of(MicroModel.ID, ResponseInput.ofItems(List.of(
                        InputMessage.user("Where is order A12?"), call,
                        new FunctionCallOutput(call.callId(), "{\"status\":\"shipped\"}"))))
                .withTools(Tools.of(FUNCTIONS).withChoice(ToolChoice.NONE)).withSeed(1L).withMaxOutputTokens(8));
        assertThat(inline.outputText()).isEqualTo(answer.outputText()); // the same prompt either way
        // an output that answers no call is refused
        assertThatThrownBy(() -> service.create(ResponseCreateParams.of(MicroModel.ID,
                ResponseInput.ofItems(List.of(new FunctionCallOutput("call_unknown", "{}"))))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("No tool call found for function call output with call_id 'call_unknown'."));
    }

    @Test
    void aCallTheModelBeginsIsHeldToTheGrammar() {
        ServedModel served = loader.load(loader.route(MicroModel.ID));
        try {
            int[] prompt = served.chatTemplate().render(List.of(com.mka1.core.data.ChatMessage.of("user", "Hi")), null, true).ids();
            // a seed whose first token is a whole printable character
            SamplingSettings sampling = null;
            GenerationResult freeResult = null;
            String first = "";
            for (long seed = 0; !first.matches("[ -~]+"); seed++) {
                sampling = new SamplingSettings(1.0, 1.0, 0, 1.0, seed);
                freeResult = served.generator().generate(new GenerationRequest(prompt, 40, sampling, served.stopTokenIds(),
                        new StopSequences(List.of())));
                first = served.tokenizer().decode(new int[] {freeResult.outputIds()[0]}, true);
            }
            String freeText = freeResult.text();
            // a call syntax that opens with that token, so the answer begins a call
            assertThat(freeText).startsWith(first);
            com.mka1.core.tokenizer.ToolCallSyntax syntax =
                    new com.mka1.core.tokenizer.ToolCallSyntax("test", "", first, null, "arguments", "", "", "");
            var grammar = com.mka1.core.inference.constrained.ToolCallGrammar.calls(List.of(
                    new com.mka1.core.inference.constrained.ToolCallGrammar.Function("get_order", ORDER_SCHEMA, true)), syntax, 1, 1);
            var constraint = served.structuredOutputs().cached("test-call", () -> grammar);
            GenerationResult held = served.generator().generate(new GenerationRequest(prompt, 120, sampling, served.stopTokenIds(),
                    new StopSequences(List.of()), null, new GenerationRequest.Triggered(first, constraint)));
            var turn = new com.mka1.core.inference.tools.ToolCallParser(syntax, java.util.Set.of("get_order")).parse(held.text());
            assertThat(turn).as(held.text()).isPresent();
            assertThat(held.text()).startsWith(first);
            assertThat(SchemaValidator.problems(ORDER_SCHEMA, Json.parse(turn.get().calls().getFirst().arguments()))).isEmpty();
            // an answer that begins otherwise is left free
            GenerationResult untouched = served.generator().generate(new GenerationRequest(prompt, 40, sampling,
                    served.stopTokenIds(), new StopSequences(List.of()), null,
                    new GenerationRequest.Triggered(first.equals("x") ? "y" : "x", constraint)));
            assertThat(untouched.text()).isEqualTo(freeText);
        } finally {
            served.close();
        }
    }

    @Test
    void aStrictFunctionWithAnUnsupportedSchemaIsRefused() {
        JsonValue schema = Json.parse("{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":\"string\",\"format\":\"zip\"}}}");
        assertThatThrownBy(() -> service.create(ask(Tools.of(List.of(new FunctionTool("ship", null, schema, true))), 1)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("tools[0].parameters");
                    assertThat(e.getMessage()).isEqualTo("Invalid schema for function 'ship': unsupported keyword 'format' "
                            + "(at #/properties/zip).");
                });
    }

    @Test
    void withoutCallsTheAnswerIsAMessage() {
        Response r = service.create(ask(Tools.of(FUNCTIONS), 2).withMaxOutputTokens(6));
        List<OutputItem> output = r.output();
        assertThat(output).singleElement().isInstanceOf(OutputMessage.class); // a random model writes no call
    }
}
