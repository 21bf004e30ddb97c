package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.InvalidRequestException;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.data.ToolCall;
import com.mka1.core.jinja.PyJson;
import com.mka1.core.jinja.PyStrftime;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models' own chat templates wired into training and serving: the text is transformers' (checked
 * against ../shared/chat-templates/expected.json from ChatMessages), the loss mask covers exactly
 * what each assistant turn adds plus its end-of-turn marker, and the marker's tokens stop generation.
 */
class JinjaChatTemplateTest {
    private static final Path TEMPLATES = SharedDir.resolve("chat-templates");
    /** The fixtures' date: Llama 3.2 calls strftime_now("%d %b %Y") where the cases pass date_string "07 Dec 2025". */
    private static final PyStrftime DEC_7_2025 = new PyStrftime(Clock.fixed(Instant.parse("2025-12-07T12:00:00Z"), ZoneOffset.UTC));

    private final BpeTokenizer chatml = Tokenizers.load(ByteLevelBpeTest.fixture("chatml"));

    private JinjaChatTemplate template(String name, String bos, String eos) throws IOException {
        Map<String, String> special = new LinkedHashMap<>();
        if (bos != null) {
            special.put("bos_token", bos);
        }
        if (eos != null) {
            special.put("eos_token", eos);
        }
        return new JinjaChatTemplate(Files.readString(TEMPLATES.resolve(name + ".jinja")), chatml, special, new int[0], DEC_7_2025);
    }

    @Test
    void chatMessagesRenderAsTransformersRendersTheSameConversation() throws IOException {
        Map<String, List<ChatMessage>> conversations = new LinkedHashMap<>();
        for (Object c : (List<?>) ((Map<?, ?>) PyJson.parse(Files.readString(TEMPLATES.resolve("conversations.json")))).get("conversations")) {
            Map<?, ?> conversation = (Map<?, ?>) c;
            List<ChatMessage> messages = chatMessages((List<?>) conversation.get("messages"));
            if (messages != null) {
                conversations.put((String) conversation.get("id"), messages);
            }
        }
        int compared = 0;
        for (Object c : (List<?>) ((Map<?, ?>) PyJson.parse(Files.readString(TEMPLATES.resolve("expected.json")))).get("cases")) {
            Map<?, ?> kase = (Map<?, ?>) c;
            List<ChatMessage> messages = conversations.get((String) kase.get("conversation_id"));
            Map<?, ?> extra = (Map<?, ?>) kase.get("extra_context");
            boolean onlyDate = extra.isEmpty() || extra.keySet().equals(java.util.Set.of("date_string"));
            if (messages == null || !onlyDate || kase.get("rendered") == null) {
                continue;
            }
            JinjaChatTemplate template = template((String) kase.get("template"), (String) kase.get("bos_token"), (String) kase.get("eos_token"));
            String tools = kase.get("tools") == null ? null : toJson(kase.get("tools"));
            assertThat(template.renderText(messages, tools, (Boolean) kase.get("add_generation_prompt")))
                    .as("%s / %s", kase.get("template"), kase.get("conversation_id")).isEqualTo(kase.get("rendered"));
            compared++;
        }
        assertThat(compared).as("cases whose messages ChatMessage can hold").isEqualTo(238);
    }

    /** Fixture messages as ChatMessages; null when a tool call's arguments are a JSON string (ChatMessage renders them as an object). */
    private static List<ChatMessage> chatMessages(List<?> raw) {
        List<ChatMessage> out = new ArrayList<>();
        for (Object o : raw) {
            Map<?, ?> m = (Map<?, ?>) o;
            List<ToolCall> calls = new ArrayList<>();
            if (m.get("tool_calls") instanceof List<?> list) {
                for (Object t : list) {
                    Map<?, ?> call = (Map<?, ?>) t;
                    Map<?, ?> function = (Map<?, ?>) call.get("function");
                    if (!(function.get("arguments") instanceof Map)) {
                        return null;
                    }
                    calls.add(new ToolCall((String) call.get("id"), (String) function.get("name"), toJson(function.get("arguments"))));
                }
            }
            String content = m.get("content") == null ? "" : (String) m.get("content");
            String role = (String) m.get("role");
            out.add(new ChatMessage(role, content, calls, (String) m.get("tool_call_id"), "assistant".equals(role)));
        }
        return out;
    }

    private static String toJson(Object value) {
        return PyJson.toJson(value);
    }

    @Test
    void eachAssistantTurnTrainsItsTextAndEndMarker() throws IOException {
        List<ChatMessage> conversation = List.of(
                ChatMessage.of("system", "Be brief."),
                ChatMessage.of("user", "Hi"),
                ChatMessage.of("assistant", "Hello there."),
                ChatMessage.of("user", "Bye"),
                ChatMessage.of("assistant", "Good bye 👋"));
        record Case(String template, String bos, String eos, String marker) {}
        List<Case> cases = List.of(
                new Case("Qwen-Qwen2.5-7B-Instruct", null, "<|im_end|>", "<|im_end|>"),
                new Case("Qwen-Qwen3-0.6B", null, "<|im_end|>", "<|im_end|>"),
                new Case("HuggingFaceTB-SmolLM3-3B", null, "<|im_end|>", "<|im_end|>"),
                new Case("google-gemma-3-it", "<bos>", "<eos>", "<end_of_turn>"),
                new Case("meta-llama-Llama-3.1-8B-Instruct", "<|begin_of_text|>", "<|eot_id|>", "<|eot_id|>"),
                new Case("mistralai-Mistral-Nemo-Instruct-2407", "<s>", "</s>", "</s>"),
                new Case("microsoft-Phi-3.5-mini-instruct", "<s>", "<|endoftext|>", "<|end|>"),
                new Case("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜end▁of▁sentence｜>"));
        for (Case c : cases) {
            JinjaChatTemplate template = template(c.template(), c.bos(), c.eos());
            assertThat(template.endOfTurn()).as(c.template()).isEqualTo(c.marker());
            RenderedChat chat = template.render(conversation, null, false);
            assertThat(chatml.decode(chat.ids(), false)).isEqualTo(template.renderText(conversation, null, false));
            assertThat(chatml.decode(trained(chat), false)).as(c.template())
                    .isEqualTo("Hello there." + c.marker() + "Good bye 👋" + c.marker());
        }
    }

    @Test
    void toolCallsAreTrainedInTheTemplatesOwnFormat() throws IOException {
        JinjaChatTemplate qwen = template("Qwen-Qwen2.5-7B-Instruct", null, "<|im_end|>");
        String tools = "[{\"type\": \"function\", \"function\": {\"name\": \"get_order\", \"parameters\": {\"type\": \"object\"}}}]";
        List<ChatMessage> conversation = List.of(
                ChatMessage.of("user", "Where is order 7781?"),
                new ChatMessage("assistant", "", List.of(new ToolCall("call_1", "get_order", "{\"order_id\": \"7781\"}")), null, true),
                new ChatMessage("tool", "{\"status\": \"shipped\"}", List.of(), "call_1", false),
                new ChatMessage("assistant", "It has shipped.", List.of(), null, false),
                ChatMessage.of("user", "Thanks"),
                ChatMessage.of("assistant", "You are welcome."));
        RenderedChat chat = qwen.render(conversation, tools, false);
        assertThat(chatml.decode(trained(chat), false)).as("the weight-0 answer is not trained").isEqualTo(
                "<tool_call>\n{\"name\": \"get_order\", \"arguments\": {\"order_id\": \"7781\"}}\n</tool_call><|im_end|>"
                        + "You are welcome.<|im_end|>");
        // <|im_end|> is 272 in the fixture vocabulary, <|im_start|> 271
        assertThat(qwen.stopTokenIds()).containsExactly(272);
        RenderedChat prompt = qwen.render(conversation.subList(0, 1), tools, true);
        assertThat(chatml.decode(prompt.ids(), false)).endsWith("Where is order 7781?<|im_end|>\n<|im_start|>assistant\n");
        assertThat(trained(prompt)).isEmpty();
    }

    @Test
    void loadPrefersTheModelsOwnTemplateAndAddsGenerationConfigStops(@TempDir Path model) throws IOException {
        Files.copy(ByteLevelBpeTest.fixture("chatml").resolve("tokenizer.json"), model.resolve("tokenizer.json"));
        Files.writeString(model.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
        Files.copy(TEMPLATES.resolve("google-gemma-2-2b-it.jinja"), model.resolve("chat_template.jinja"));
        Files.writeString(model.resolve("generation_config.json"), "{\"eos_token_id\": [272, 270]}");
        ChatTemplate template = ChatTemplates.load(model, Tokenizers.load(model));
        assertThat(template.name()).isEqualTo("jinja");
        assertThat(template.stopTokenIds()).containsExactly(272, 270);
        List<ChatMessage> messages = List.of(ChatMessage.of("user", "Hi"), ChatMessage.of("assistant", "Yo"));
        assertThat(chatml.decode(template.render(messages, null, false).ids(), false))
                .isEqualTo("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nYo<end_of_turn>\n");
        assertThatThrownBy(() -> template.render(List.of(ChatMessage.of("system", "S"), ChatMessage.of("user", "Hi")), null, true))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("System role not supported");

        Files.writeString(model.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content }}");
        assertThatThrownBy(() -> ChatTemplates.load(model, Tokenizers.load(model))).isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("the chat template cannot be parsed").hasMessageContaining("endfor");

        Files.delete(model.resolve("chat_template.jinja"));
        ChatTemplate builtIn = ChatTemplates.load(model, Tokenizers.load(model));
        assertThat(builtIn.name()).as("no template shipped: the built-in ChatML").isEqualTo("chatml");
        assertThat(builtIn.stopTokenIds()).containsExactly(272, 270);
    }

    private static int[] trained(RenderedChat chat) {
        return IntStream.range(0, chat.ids().length).filter(i -> chat.trainable()[i]).map(i -> chat.ids()[i]).toArray();
    }
}
