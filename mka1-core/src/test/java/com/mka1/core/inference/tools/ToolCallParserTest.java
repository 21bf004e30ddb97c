package com.mka1.core.inference.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.tokenizer.ToolCallSyntax;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Calls read back in each template syntax; anything that does not parse whole stays text. */
class ToolCallParserTest {
    private static final Set<String> NAMES = Set.of("get_order", "refund");

    private static Optional<ParsedTurn> parse(ToolCallSyntax syntax, String text) {
        return new ToolCallParser(syntax, NAMES).parse(text);
    }

    private static ParsedTurn turn(String content, String... nameArgs) {
        List<ParsedTurn.Call> calls = new java.util.ArrayList<>();
        for (int i = 0; i < nameArgs.length; i += 2) {
            calls.add(new ParsedTurn.Call(nameArgs[i], nameArgs[i + 1]));
        }
        return new ParsedTurn(content, calls);
    }

    @Test
    void hermesBlocksWithTextBeforeAndParallelCalls() {
        assertThat(parse(ToolCallSyntax.HERMES, "<tool_call>\n{\"name\": \"get_order\", \"arguments\": {\"id\": \"A1\"}}\n</tool_call>"))
                .contains(turn("", "get_order", "{\"id\":\"A1\"}"));
        assertThat(parse(ToolCallSyntax.HERMES, "Let me check.\n<tool_call>\n{\"name\": \"get_order\", \"arguments\": {\"id\": 1}}\n"
                + "</tool_call>\n<tool_call>\n{\"name\": \"refund\", \"arguments\": \"{\\\"id\\\": 2}\"}\n</tool_call>\n"))
                .contains(turn("Let me check.", "get_order", "{\"id\":1}", "refund", "{\"id\":2}"));
        // tight spacing, as a small model may write it
        assertThat(parse(ToolCallSyntax.HERMES, "<tool_call>{\"name\":\"refund\",\"arguments\":{}}</tool_call>"))
                .contains(turn("", "refund", "{}"));
    }

    @Test
    void otherSyntaxes() {
        assertThat(parse(ToolCallSyntax.MISTRAL, "[TOOL_CALLS][{\"name\": \"get_order\", \"arguments\": {\"id\": \"A\"}}, "
                + "{\"name\": \"refund\", \"arguments\": {\"id\": \"B\"}}]"))
                .contains(turn("", "get_order", "{\"id\":\"A\"}", "refund", "{\"id\":\"B\"}"));
        assertThat(parse(ToolCallSyntax.LLAMA3_JSON, " {\"name\": \"refund\", \"parameters\": {\"id\": \"B\"}}"))
                .contains(turn("", "refund", "{\"id\":\"B\"}"));
        assertThat(parse(ToolCallSyntax.FUNCTIONARY_V31, "<function=get_order>{\"id\": \"C\"}</function>"))
                .contains(turn("", "get_order", "{\"id\":\"C\"}"));
        assertThat(parse(ToolCallSyntax.FUNCTIONARY_V3, ">>>get_order\n{\"id\": \"D\"}>>>refund\n{\"id\": \"E\"}"))
                .contains(turn("", "get_order", "{\"id\":\"D\"}", "refund", "{\"id\":\"E\"}"));
    }

    @Test
    void textThatOnlyLooksLikeACallStaysText() {
        for (String text : List.of(
                "Sure, your order ships tomorrow.",
                "<tool_call>\n{\"name\": \"get_order\", \"arguments\": {\"id\": \n</tool_call>", // broken JSON
                "<tool_call>\n{\"name\": \"delete_all\", \"arguments\": {}}\n</tool_call>", // not a tool
                "<tool_call>\n{\"name\": \"refund\", \"arguments\": [1]}\n</tool_call>", // arguments not an object
                "<tool_call>\n{\"name\": \"refund\", \"arguments\": {}}\n", // never closed
                "<tool_call>\n{\"name\": \"refund\", \"arguments\": {}}\n</tool_call> and then some prose")) {
            assertThat(parse(ToolCallSyntax.HERMES, text)).as(text).isEmpty();
        }
        assertThat(parse(ToolCallSyntax.LLAMA3_JSON, "{\"answer\": 42}")).isEmpty();
        assertThat(parse(ToolCallSyntax.MISTRAL, "[TOOL_CALLS][{\"name\": \"refund\"")).isEmpty();
    }

    @Test
    void theSyntaxIsTheTemplates() {
        assertThat(ToolCallSyntax.detect("{{ '<tool_call>' }}")).isEqualTo(ToolCallSyntax.HERMES);
        assertThat(ToolCallSyntax.detect("[TOOL_CALLS] {{ x }}")).isEqualTo(ToolCallSyntax.MISTRAL);
        assertThat(ToolCallSyntax.detect("<|start_header_id|>ipython")).isEqualTo(ToolCallSyntax.LLAMA3_JSON);
        assertThat(ToolCallSyntax.detect("<|start_header_id|> <function=")).isEqualTo(ToolCallSyntax.FUNCTIONARY_V31);
        assertThat(ToolCallSyntax.detect("{{ '>>>' + name }}")).isEqualTo(ToolCallSyntax.FUNCTIONARY_V3);
        assertThat(ToolCallSyntax.detect(null)).isEqualTo(ToolCallSyntax.HERMES);
    }
}
