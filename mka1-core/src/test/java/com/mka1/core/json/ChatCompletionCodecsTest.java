package com.mka1.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.chat.ChatCompletion;
import com.mka1.api.chat.ChatCompletionChunk;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.ResponseCreateParams;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCompletionCodecsTest {
    @Test
    void requestBecomesAResponsesRequest() {
        ResponseCreateParams p = Json.read(ChatCompletionRequestCodec.INSTANCE, """
                {"model":"mka1:tiny","messages":[{"role":"system","content":"Be brief."},\
                {"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]}],\
                "max_tokens":32,"temperature":0,"top_p":0.5,"seed":7,"stop":"\\n","stream":true,"n":1}""");
        assertThat(p.model()).isEqualTo("mka1:tiny");
        assertThat(p.input().messages()).containsExactly(new InputMessage("system", "Be brief."), new InputMessage("user", "Hi there"));
        assertThat(p.maxOutputTokens()).isEqualTo(32);
        assertThat(p.temperature()).isEqualTo(0.0);
        assertThat(p.topP()).isEqualTo(0.5);
        assertThat(p.seed()).isEqualTo(7L);
        assertThat(p.stop()).containsExactly("\n");
        assertThat(p.stream()).isTrue();
        assertThat(p.store()).isFalse();
        String written = Json.write(ChatCompletionRequestCodec.INSTANCE, p);
        assertThat(written).isEqualTo("""
                {"model":"mka1:tiny","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi there"}],\
                "max_completion_tokens":32,"temperature":0.0,"top_p":0.5,"seed":7,"stop":["\\n"],"stream":true}""");
        assertThat(Json.read(ChatCompletionRequestCodec.INSTANCE, written)).isEqualTo(p);
        assertThat(Json.read(ChatCompletionRequestCodec.INSTANCE,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5,\"max_completion_tokens\":9}")
                .maxOutputTokens()).isEqualTo(9);
    }

    @Test
    void requestErrorsNameTheField() {
        assertThatThrownBy(() -> Json.read(ChatCompletionRequestCodec.INSTANCE, "{\"model\":\"m\"}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("messages"));
        assertThatThrownBy(() -> Json.read(ChatCompletionRequestCodec.INSTANCE,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"content\":\"x\"}]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("messages[0].role"));
        assertThatThrownBy(() -> Json.read(ChatCompletionRequestCodec.INSTANCE,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("messages[0].tool_call_id"));
        assertThatThrownBy(() -> Json.read(ChatCompletionRequestCodec.INSTANCE,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}"))
                .hasMessage("Invalid 'max_tokens': must be at least 1, got 0.");
    }

    @Test
    void completionAndChunksAreExact() {
        ChatCompletion c = new ChatCompletion("chatcmpl_1", 1700000000L, "mka1:tiny", "Hello!", "stop", 12, 3);
        String json = Json.write(ChatCompletionCodec.INSTANCE, c);
        assertThat(json).isEqualTo("""
                {"id":"chatcmpl_1","object":"chat.completion","created":1700000000,"model":"mka1:tiny","choices":[{"index":0,\
                "message":{"role":"assistant","content":"Hello!","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,\
                "completion_tokens":3,"total_tokens":15}}""");
        assertThat(Json.read(ChatCompletionCodec.INSTANCE, json)).isEqualTo(c);

        List<ChatCompletionChunk> chunks = List.of(
                new ChatCompletionChunk("chatcmpl_1", 1700000000L, "mka1:tiny", "assistant", "", null),
                new ChatCompletionChunk("chatcmpl_1", 1700000000L, "mka1:tiny", null, "Hel", null),
                new ChatCompletionChunk("chatcmpl_1", 1700000000L, "mka1:tiny", null, null, "length"));
        assertThat(Json.write(ChatCompletionChunkCodec.INSTANCE, chunks.get(1))).isEqualTo("""
                {"id":"chatcmpl_1","object":"chat.completion.chunk","created":1700000000,"model":"mka1:tiny","choices":[{"index":0,\
                "delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}""");
        assertThat(Json.write(ChatCompletionChunkCodec.INSTANCE, chunks.get(2)))
                .endsWith("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]}");
        ChatCompletionChunk usage = ChatCompletionChunk.usage("chatcmpl_1", 1700000000L, "mka1:tiny", 12, 3);
        assertThat(Json.write(ChatCompletionChunkCodec.INSTANCE, usage)).isEqualTo("""
                {"id":"chatcmpl_1","object":"chat.completion.chunk","created":1700000000,"model":"mka1:tiny","choices":[],\
                "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""");
        assertThat(Json.read(ChatCompletionChunkCodec.INSTANCE, Json.write(ChatCompletionChunkCodec.INSTANCE, usage))).isEqualTo(usage);
        for (ChatCompletionChunk chunk : chunks) {
            assertThat(Json.read(ChatCompletionChunkCodec.INSTANCE, Json.write(ChatCompletionChunkCodec.INSTANCE, chunk))).isEqualTo(chunk);
        }
    }
}
