package com.mka1.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.TextFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code text.format} (Responses) and {@code response_format} (chat), read, written and echoed exactly. */
class TextFormatCodecsTest {
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"],\"additionalProperties\":false}";
    private static final TextFormat.JsonSchema CITY = new TextFormat.JsonSchema("city_answer", "Where.", Json.parse(SCHEMA), true);

    @Test
    void responsesRequestReadsAndWritesEachFormat() {
        String body = "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"city_answer\","
                + "\"description\":\"Where.\",\"schema\":" + SCHEMA + ",\"strict\":true}}}";
        ResponseCreateParams p = Json.read(ResponseCreateParamsCodec.INSTANCE, body);
        assertThat(p.text()).isEqualTo(CITY);
        assertThat(Json.write(ResponseCreateParamsCodec.INSTANCE, p)).isEqualTo(body);
        ResponseCreateParams object = Json.read(ResponseCreateParamsCodec.INSTANCE,
                "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_object\"}}}");
        assertThat(object.text()).isEqualTo(new TextFormat.JsonObject());
        assertThat(Json.write(ResponseCreateParamsCodec.INSTANCE, object))
                .isEqualTo("{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_object\"}}}");
        assertThat(Json.read(ResponseCreateParamsCodec.INSTANCE,
                "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"text\"}}}").text()).isEqualTo(TextFormat.TEXT);
        assertThat(Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":\"x\",\"text\":{}}").text())
                .isEqualTo(TextFormat.TEXT);
        assertThat(Json.read(ResponseCreateParamsCodec.INSTANCE, "{\"model\":\"m\",\"input\":\"x\"}").text()).isEqualTo(TextFormat.TEXT);
    }

    @Test
    void theResponseEchoesTheFormatAsOpenAiDoes() {
        Response r = new Response("resp_1", 1700000000L, ResponseStatus.COMPLETED, "mka1:tiny", null, null, null, null,
                Map.of(), 1.0, 1.0, null, List.of(), null, null, new TextFormat.JsonSchema("city_answer", null, Json.parse(SCHEMA), null));
        String json = Json.write(ResponseCodec.INSTANCE, r);
        assertThat(json).contains(",\"top_p\":1.0,\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"city_answer\",\"schema\":"
                + SCHEMA + ",\"strict\":false}},\"tool_choice\":\"auto\",");
        assertThat(Json.read(ResponseCodec.INSTANCE, json).text())
                .isEqualTo(new TextFormat.JsonSchema("city_answer", null, Json.parse(SCHEMA), false));
    }

    @Test
    void chatResponseFormatBecomesTheSameFormat() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"city_answer\",\"description\":\"Where.\",\"schema\":" + SCHEMA + ",\"strict\":true}}}";
        ResponseCreateParams p = Json.read(ChatCompletionRequestCodec.INSTANCE, body);
        assertThat(p.text()).isEqualTo(CITY);
        assertThat(Json.write(ChatCompletionRequestCodec.INSTANCE, p)).isEqualTo(body);
        assertThat(Json.read(ChatCompletionRequestCodec.INSTANCE, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}").text()).isEqualTo(new TextFormat.JsonObject());
    }

    @Test
    void malformedFormatsNameTheirField() {
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE,
                "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"xml\"}}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("text.format.type");
                    assertThat(e.getMessage()).isEqualTo("Invalid 'text.format.type': must be one of text, json_object, "
                            + "json_schema; got 'xml'.");
                });
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE,
                "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"a b\",\"schema\":{}}}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("text.format.name"));
        assertThatThrownBy(() -> Json.read(ResponseCreateParamsCodec.INSTANCE,
                "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"a\"}}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("text.format.schema"));
        assertThatThrownBy(() -> Json.read(ChatCompletionRequestCodec.INSTANCE, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":[]}}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("response_format.json_schema.schema"));
        assertThatThrownBy(() -> Json.read(ChatCompletionRequestCodec.INSTANCE, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\"}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("response_format.json_schema"));
    }
}
