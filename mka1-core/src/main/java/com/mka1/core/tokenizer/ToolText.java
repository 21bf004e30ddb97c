package com.mka1.core.tokenizer;

import com.mka1.core.data.ToolCall;

/** The text forms of tools, tool calls and tool results shared by the templates (see docs/tokenizer.md). */
final class ToolText {
    private ToolText() {}

    /** The system-prompt block that lists the tools (Qwen2.5's wording; {@code toolsJson} inserted as given). */
    static String toolsBlock(String toolsJson) {
        return "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                + toolsJson.strip()
                + "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
                + "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";
    }

    /** One call: {@code <tool_call>\n{"name": "NAME", "arguments": ARGS}\n</tool_call>}, ARGS as given. */
    static String toolCall(ToolCall call) {
        return "<tool_call>\n{\"name\": \"" + call.name() + "\", \"arguments\": " + call.arguments().strip() + "}\n</tool_call>";
    }

    /** One tool result: {@code <tool_response>\nCONTENT\n</tool_response>}. */
    static String toolResponse(String content) {
        return "<tool_response>\n" + content + "\n</tool_response>";
    }

    static boolean hasTools(String toolsJson) {
        return toolsJson != null && !toolsJson.isBlank();
    }
}
