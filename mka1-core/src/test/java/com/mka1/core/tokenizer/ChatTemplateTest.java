package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.data.ChatMessage;
import com.mka1.core.data.ToolCall;
import com.mka1.core.testing.SharedDir;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each template family: exact rendered text, exact ids and the loss mask. The byte-level fixtures
 * (ByteLevelBpeTest) encode most text byte by byte (id = byte value), so expected ids are written
 * from the bytes plus the few merges named in comments.
 */
class ChatTemplateTest {
    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.of("system", "Be brief."),
            ChatMessage.of("user", "Hi"),
            ChatMessage.of("assistant", "the world"));

    /** "the world" in the fixtures: t, he (257), Ġworld (264). */
    private static final int[] THE_WORLD = {'t', 257, 264};

    private static int[] ids(Object... pieces) {
        List<Integer> out = new ArrayList<>();
        for (Object p : pieces) {
            switch (p) {
                case Integer i -> out.add(i);
                case String s -> {
                    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                        out.add(b & 0xFF);
                    }
                }
                case int[] a -> IntStream.of(a).forEach(out::add);
                default -> throw new IllegalArgumentException(p.toString());
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] trainableIds(RenderedChat chat) {
        return IntStream.range(0, chat.ids().length).filter(i -> chat.trainable()[i]).map(i -> chat.ids()[i]).toArray();
    }

    @Test
    void chatMlWithMarkerTokens() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("chatml"));
        ChatTemplate template = ChatTemplates.builtIn(ByteLevelBpeTest.fixture("chatml"), tok);
        assertThat(template.name()).isEqualTo("chatml");
        assertThat(((PartsChatTemplate) template).renderText(CONVERSATION, null, false)).isEqualTo(
                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nthe world<|im_end|>\n");
        RenderedChat chat = template.render(CONVERSATION, null, false);
        // <|im_start|> 271, <|im_end|> 272
        assertThat(chat.ids()).containsExactly(ids(271, "system\nBe brief.", 272, "\n", 271, "user\nHi", 272, "\n",
                271, "assistant\n", THE_WORLD, 272, "\n"));
        assertThat(trainableIds(chat)).containsExactly(ids(THE_WORLD, 272));
        assertThat(chat.trainable()[chat.ids().length - 1]).as("the newline after <|im_end|>").isFalse();
        assertThat(template.stopTokenIds()).containsExactly(272);
    }

    @Test
    void generationPromptEndsWhereTheAnswerBegins() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("chatml"));
        ChatTemplate template = ChatTemplates.builtIn(ByteLevelBpeTest.fixture("chatml"), tok);
        RenderedChat chat = template.render(List.of(ChatMessage.of("user", "Hi")), null, true);
        assertThat(chat.ids()).containsExactly(ids(271, "user\nHi", 272, "\n", 271, "assistant\n"));
        assertThat(trainableIds(chat)).isEmpty();
    }

    @Test
    void onlyAssistantMessagesWithWeightOneAreTrainable() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("chatml"));
        ChatTemplate template = ChatTemplates.chatMl(tok);
        List<ChatMessage> messages = List.of(
                ChatMessage.of("user", "a"),
                new ChatMessage("assistant", "bc", List.of(), null, false),
                ChatMessage.of("user", "c"),
                ChatMessage.of("assistant", "ab"));
        RenderedChat chat = template.render(messages, null, false);
        // "bc" (265) is not trained, "ab" (266) and its <|im_end|> are
        assertThat(trainableIds(chat)).containsExactly(266, 272);
        assertThat(chat.ids()).contains(265);
    }

    @Test
    void chatMlToolsToolCallsAndToolResults() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("chatml"));
        PartsChatTemplate template = (PartsChatTemplate) ChatTemplates.chatMl(tok);
        String tools = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}]";
        List<ChatMessage> messages = List.of(
                ChatMessage.of("developer", "Use tools."),
                ChatMessage.of("user", "Weather?"),
                new ChatMessage("assistant", "", List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}")), null, true),
                new ChatMessage("tool", "sunny", List.of(), "call_1", false),
                new ChatMessage("tool", "22C", List.of(), "call_2", false),
                ChatMessage.of("assistant", "Sunny."));
        String expected = "<|im_start|>system\nUse tools.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" + tools + "\n</tools>\n\n"
                + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
                + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nWeather?<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\nsunny\n</tool_response>\n<tool_response>\n22C\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\nSunny.<|im_end|>\n";
        assertThat(template.renderText(messages, tools, false)).isEqualTo(expected);
        RenderedChat chat = template.render(messages, tools, false);
        assertThat(tok.decode(chat.ids(), false)).isEqualTo(expected);
        assertThat(tok.decode(trainableIds(chat), false)).isEqualTo(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>Sunny.<|im_end|>");
    }

    @Test
    void chatMlFallbackWithoutMarkerTokensUsesTextMarkersAndEos() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("plain"));
        ChatTemplate template = ChatTemplates.builtIn(ByteLevelBpeTest.fixture("plain"), tok);
        assertThat(((ChatMlTemplate) template).usesMarkerTokens()).isFalse();
        List<ChatMessage> messages = List.of(ChatMessage.of("user", "Hi"), ChatMessage.of("assistant", "the world"));
        assertThat(((PartsChatTemplate) template).renderText(messages, null, false))
                .isEqualTo("<|im_start|>user\nHi<|endoftext|>\n<|im_start|>assistant\nthe world<|endoftext|>\n");
        RenderedChat chat = template.render(messages, null, false);
        // <|endoftext|> is 270 and is the end of every turn
        assertThat(chat.ids()).containsExactly(ids("<|im_start|>user\nHi", 270, "\n", "<|im_start|>assistant\n", THE_WORLD, 270, "\n"));
        assertThat(trainableIds(chat)).containsExactly(ids(THE_WORLD, 270));
        assertThat(template.stopTokenIds()).containsExactly(270);
    }

    @Test
    void fallbackOnStories260kTokenizer() {
        BpeTokenizer tok = Tokenizers.load(SharedDir.resolve("models/stories260k"));
        ChatTemplate template = ChatTemplates.builtIn(SharedDir.resolve("models/stories260k"), tok);
        List<ChatMessage> messages = List.of(ChatMessage.of("user", "Hi"), ChatMessage.of("assistant", "Yo"));
        RenderedChat chat = template.render(messages, null, false);
        assertThat(template.stopTokenIds()).containsExactly(2);
        // SentencePiece's ids for "<|im_start|>user\nHi" (no marker tokens in this vocabulary: byte and letter pieces)
        assertThat(chat.ids()).startsWith(410, 504, 506, 288, 98, 356, 295, 413, 506, 505, 425, 419, 285, 13, 440, 417);
        // the assistant's text run follows a newline, so no "▁" is prepended: pieces "Y", "o", then </s>
        assertThat(trainableIds(chat)).containsExactly(452, 414, 2);
        assertThat(tok.decode(chat.ids(), false)).isEqualTo("<|im_start|>user\nHi</s> \n<|im_start|>assistant\nYo</s> \n");
    }

    @Test
    void llama3Headers() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("llama3"));
        ChatTemplate template = ChatTemplates.builtIn(ByteLevelBpeTest.fixture("llama3"), tok);
        assertThat(template.name()).isEqualTo("llama3");
        assertThat(((PartsChatTemplate) template).renderText(CONVERSATION, null, true)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nthe world<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        RenderedChat chat = template.render(CONVERSATION, null, false);
        // 270 BOS, 272/273 header start/end, 274 <|eot_id|>, 269 "ĊĊ"
        assertThat(chat.ids()).containsExactly(ids(270, 272, "system", 273, 269, "Be brief.", 274, 272, "user", 273, 269, "Hi", 274,
                272, "assistant", 273, 269, THE_WORLD, 274));
        assertThat(trainableIds(chat)).containsExactly(ids(THE_WORLD, 274));
        assertThat(template.stopTokenIds()).containsExactly(274, 275);
    }

    @Test
    void llama3ToolCallsAndResults() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("llama3"));
        PartsChatTemplate template = (PartsChatTemplate) ChatTemplates.builtIn(ByteLevelBpeTest.fixture("llama3"), tok);
        List<ChatMessage> messages = List.of(
                ChatMessage.of("user", "Weather?"),
                new ChatMessage("assistant", "", List.of(new ToolCall("c1", "get_weather", "{\"city\": \"Paris\"}")), null, true),
                new ChatMessage("tool", "sunny", List.of(), "c1", false));
        assertThat(template.renderText(messages, "[{\"name\": \"get_weather\"}]", false)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "You have access to the following functions. To call a function, respond with JSON of the form "
                        + "{\"name\": function name, \"parameters\": dictionary of argument name and its value}. Do not use variables.\n\n"
                        + "[{\"name\": \"get_weather\"}]<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
                        + "<|start_header_id|>ipython<|end_header_id|>\n\nsunny<|eot_id|>");
    }

    @Test
    void llama2InstBlocksAgainstSentencePiece() {
        BpeTokenizer tok = Tokenizers.withConfig(Llama2Fixture.tokenizer(),
                new TokenizerConfig("<s>", "</s>", true, false, null));
        ChatTemplate template = ChatTemplates.detect(
                "{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}", tok);
        assertThat(template.name()).isEqualTo("llama2");
        List<ChatMessage> messages = List.of(
                ChatMessage.of("system", "Be brief."),
                ChatMessage.of("user", "Hi there"),
                ChatMessage.of("assistant", "Hello!"),
                ChatMessage.of("user", "Thanks"));
        assertThat(((PartsChatTemplate) template).renderText(messages, null, true)).isEqualTo(
                "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi there [/INST] Hello! </s><s>[INST] Thanks [/INST]");
        RenderedChat chat = template.render(messages, null, true);
        // made by the SentencePiece library from tokenizer.model, text run by text run (each gets its "▁")
        int[] firstRun = {518, 25580, 29962, 3532, 14816, 29903, 6778, 13, 3629, 11473, 29889, 13, 29966, 829, 14816, 29903, 6778, 13, 13,
                18567, 727, 518, 29914, 25580, 29962, 15043, 29991, 29871};
        int[] secondRun = {518, 25580, 29962, 1834, 518, 29914, 25580, 29962};
        assertThat(chat.ids()).containsExactly(ids(1, firstRun, 2, 1, secondRun));
        // " Hello! " and </s>: ▁Hello, !, ▁, </s>
        assertThat(trainableIds(chat)).containsExactly(15043, 29991, 29871, 2);
        assertThat(template.stopTokenIds()).containsExactly(2);
    }

    @Test
    void llama2ToolsGoToTheSystemBlockAndResultsToUserTurns() {
        BpeTokenizer tok = Tokenizers.withConfig(Llama2Fixture.tokenizer(),
                new TokenizerConfig("<s>", "</s>", true, false, null));
        PartsChatTemplate template = (PartsChatTemplate) ChatTemplates.detect("[INST]", tok);
        String tools = "[{\"name\": \"get_weather\"}]";
        List<ChatMessage> messages = List.of(
                ChatMessage.of("system", "S"),
                ChatMessage.of("user", "Weather?"),
                new ChatMessage("assistant", "", List.of(new ToolCall("c1", "get_weather", "{}")), null, true),
                new ChatMessage("tool", "sunny", List.of(), "c1", false));
        String expected = "<s>[INST] <<SYS>>\nS\n\n" + ToolText.toolsBlock(tools) + "\n<</SYS>>\n\nWeather? [/INST] "
                + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {}}\n</tool_call> </s>"
                + "<s>[INST] <tool_response>\nsunny\n</tool_response> [/INST]";
        assertThat(template.renderText(messages, tools, true)).isEqualTo(expected);
        RenderedChat chat = template.render(messages, tools, true);
        // decoding shows the "▁" each text run got after a special token (as Hugging Face's decode does)
        assertThat(tok.decode(chat.ids(), false)).isEqualTo(expected.replace("<s>[INST]", "<s> [INST]"));
        // the decoder strips the one leading space of the answer
        assertThat(tok.decode(trainableIds(chat), false))
                .isEqualTo("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {}}\n</tool_call> </s>");
    }

    @Test
    void unknownRolesAreRefused() {
        ChatTemplate template = ChatTemplates.chatMl(Tokenizers.load(ByteLevelBpeTest.fixture("chatml")));
        assertThatThrownBy(() -> template.render(List.of(ChatMessage.of("narrator", "x")), null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message role \"narrator\" is not one of system, developer, user, assistant, tool");
    }

    @Test
    void llama3TemplateNeedsItsHeaderTokens() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("chatml"));
        assertThatThrownBy(() -> ChatTemplates.detect("{{ '<|start_header_id|>' }}", tok))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("<|start_header_id|>");
    }
}
