package com.mka1.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.responses.IncompleteDetails;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.OutputText;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseError;
import com.mka1.api.responses.ResponseInput;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseStreamEvent;
import com.mka1.api.responses.ResponseUsage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCodecsTest {

    private static final String SPEC_EXAMPLE = """
            {"id":"resp_abc123","object":"response","created_at":1741476542,"status":"completed",\
            "model":"ft:meetkai:functionary-medium:support-bot","error":null,"incomplete_details":null,\
            "instructions":null,"max_output_tokens":null,"metadata":{},"parallel_tool_calls":true,\
            "temperature":1.0,"top_p":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"previous_response_id":null,\
            "output":[{"type":"message","id":"msg_abc123","status":"completed","role":"assistant",\
            "content":[{"type":"output_text","text":"Sorry for the delay...","annotations":[],"logprobs":[]}]}],\
            "usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":87,\
            "output_tokens_details":{"reasoning_tokens":0},"total_tokens":123}}""";

    private static Response specExample() {
        return new Response("resp_abc123", 1741476542L, ResponseStatus.COMPLETED, "ft:meetkai:functionary-medium:support-bot",
                null, null, null, null, Map.of(), 1.0, 1.0, null,
                List.of(new OutputMessage("msg_abc123", ResponseStatus.COMPLETED, "assistant", List.of(new OutputText("Sorry for the delay...")))),
                ResponseUsage.of(36, 87), null);
    }

    @Test
    void writesTheSpecExampleExactly() {
        assertThat(Json.write(ResponseCodec.INSTANCE, specExample())).isEqualTo(SPEC_EXAMPLE);
        assertThat(Json.read(ResponseCodec.INSTANCE, SPEC_EXAMPLE)).isEqualTo(specExample());
    }

    @Test
    void everyFieldRoundTrips() {
        Response r = new Response("resp_0123456789abcdef0123456789abcdef", 1700000000L, ResponseStatus.INCOMPLETE, "mka1:tiny",
                new ResponseError("server_error", "boom"), IncompleteDetails.MAX_OUTPUT_TOKENS, "Be brief.", 16,
                Map.of("b", "2", "a", "1"), 0.5, 0.9, "resp_prev",
                List.of(new OutputMessage("msg_1", ResponseStatus.INCOMPLETE, "assistant", List.of(new OutputText("Hi \"there\"\n")))),
                new ResponseUsage(10, 3, 16, 0), "user-7");
        String json = Json.write(ResponseCodec.INSTANCE, r);
        assertThat(json).isEqualTo("""
                {"id":"resp_0123456789abcdef0123456789abcdef","object":"response","created_at":1700000000,\
                "status":"incomplete","model":"mka1:tiny","error":{"code":"server_error","message":"boom"},\
                "incomplete_details":{"reason":"max_output_tokens"},"instructions":"Be brief.","max_output_tokens":16,\
                "metadata":{"a":"1","b":"2"},"parallel_tool_calls":true,"temperature":0.5,"top_p":0.9,"text":{"format":{"type":"text"}},"tool_choice":"auto",\
                "tools":[],"previous_response_id":"resp_prev","output":[{"type":"message","id":"msg_1","status":"incomplete",\
                "role":"assistant","content":[{"type":"output_text","text":"Hi \\"there\\"\\n","annotations":[],"logprobs":[]}]}],\
                "usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":3,"cache_write_tokens":0},"output_tokens":16,\
                "output_tokens_details":{"reasoning_tokens":0},"total_tokens":26},"user":"user-7"}""");
        assertThat(Json.read(ResponseCodec.INSTANCE, json)).isEqualTo(r);
        assertThat(Json.read(ResponseCodec.INSTANCE, json).outputText()).isEqualTo("Hi \"there\"\n");
    }

    @Test
    void requestParamsRoundTripWithEveryField() {
        ResponseCreateParams p = ResponseCreateParams.of("ft:mka1:tiny:support", ResponseInput.of(List.of(
                        new InputMessage("system", "sys"), new InputMessage("user", "hello"), new InputMessage("assistant", "hi"))))
                .withInstructions("Be kind.").withMaxOutputTokens(64).withTemperature(0.7).withTopP(0.95).withStream(true)
                .withMetadata(Map.of("k", "v")).withStore(false).withPreviousResponseId("resp_x").withUser("u1")
                .withSeed(42L).withStop(List.of("\n\n", "END"));
        String json = Json.write(ResponseCreateParamsCodec.INSTANCE, p);
        assertThat(json).isEqualTo("""
                {"model":"ft:mka1:tiny:support","input":[{"role":"system","content":"sys"},{"role":"user","content":"hello"},\
                {"role":"assistant","content":"hi"}],"instructions":"Be kind.","max_output_tokens":64,"temperature":0.7,\
                "top_p":0.95,"stream":true,"metadata":{"k":"v"},"store":false,"previous_response_id":"resp_x","user":"u1",\
                "seed":42,"stop":["\\n\\n","END"]}""");
        assertThat(Json.read(ResponseCreateParamsCodec.INSTANCE, json)).isEqualTo(p);
    }

    @Test
    void requestAcceptsStringInputAndContentParts() {
        ResponseCreateParams s = Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":\"Write a reply.\"}");
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":\"x\",\"extra\":1}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("extra");
                    assertThat(e.code()).isEqualTo("unknown_parameter");
                }).hasMessage("Unknown parameter: 'extra'.");
        assertThat(s.input()).isEqualTo(new ResponseInput.Text("Write a reply."));
        assertThat(s.input().messages()).containsExactly(new InputMessage("user", "Write a reply."));
        assertThat(s.stream()).isFalse();
        assertThat(s.store()).isNull();

        ResponseCreateParams parts = Json.read(ResponseCreateParamsCodec.INSTANCE, """
                {"model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"a"},\
                {"type":"input_text","text":"b"}]}],"stop":"STOP"}""");
        assertThat(parts.input().messages()).containsExactly(new InputMessage("user", "ab"));
        assertThat(parts.stop()).containsExactly("STOP");
    }

    @Test
    void requestErrorsNameTheField() {
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"input\":\"x\"}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("model"))
                .hasMessage("Missing required parameter: 'model'.");
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\"}"))
                .hasMessage("Missing required parameter: 'input'.");
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":\"x\",\"temperature\":\"hot\"}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("temperature"))
                .hasMessage("Invalid type for 'temperature': expected a number, but got a string instead.");
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":\"x\",\"temperature\":3}"))
                .hasMessage("Invalid 'temperature': must be between 0 and 2, got 3.0.");
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("input[0].role"));
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}"))
                .hasMessage("Invalid 'max_output_tokens': must be at least 1, got 0.");
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":"))
                .isInstanceOf(MalformedJsonException.class);
    }

    @Test
    void streamEventsRoundTripAndFrameAsSse() {
        OutputText empty = new OutputText("");
        OutputMessage item = new OutputMessage("msg_1", ResponseStatus.IN_PROGRESS, "assistant", List.of());
        Response created = specExample().finish(ResponseStatus.IN_PROGRESS, List.of(), null, null, null);
        List<ResponseStreamEvent> events = List.of(
                new ResponseStreamEvent.Created(0, created),
                new ResponseStreamEvent.InProgress(1, created),
                new ResponseStreamEvent.OutputItemAdded(2, 0, item),
                new ResponseStreamEvent.ContentPartAdded(3, "msg_1", 0, 0, empty),
                new ResponseStreamEvent.OutputTextDelta(4, "msg_1", 0, 0, "Sorry"),
                new ResponseStreamEvent.OutputTextDone(5, "msg_1", 0, 0, "Sorry"),
                new ResponseStreamEvent.ContentPartDone(6, "msg_1", 0, 0, new OutputText("Sorry")),
                new ResponseStreamEvent.OutputItemDone(7, 0, item),
                new ResponseStreamEvent.Finished(8, specExample()),
                new ResponseStreamEvent.Error(9, "server_error", "out of memory", null));
        for (ResponseStreamEvent e : events) {
            assertThat(Json.read(ResponseStreamEventCodec.INSTANCE, Json.write(ResponseStreamEventCodec.INSTANCE, e))).isEqualTo(e);
        }
        assertThat(Json.write(ResponseStreamEventCodec.INSTANCE, events.get(4))).isEqualTo("""
                {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,\
                "content_index":0,"delta":"Sorry","logprobs":[]}""");
        assertThat(Json.write(ResponseStreamEventCodec.INSTANCE, events.get(3))).isEqualTo("""
                {"type":"response.content_part.added","sequence_number":3,"item_id":"msg_1","output_index":0,\
                "content_index":0,"part":{"type":"output_text","text":"","annotations":[],"logprobs":[]}}""");
        assertThat(events.get(8).type()).isEqualTo("response.completed");
        assertThat(Json.write(ResponseStreamEventCodec.INSTANCE, events.get(9))).isEqualTo(
                "{\"type\":\"error\",\"sequence_number\":9,\"code\":\"server_error\",\"message\":\"out of memory\",\"param\":null}");
    }
}
