package com.mka1.api.responses;

import java.util.List;
import java.util.Objects;

/**
 * The tool settings of a request, echoed by its response.
 *
 * @param functions    the functions the model may call (empty: none)
 * @param choice       whether and which of them it calls
 * @param parallel     whether it may call several in one turn ({@code parallel_tool_calls})
 * @param maxToolCalls at most this many calls in the response, or null for no limit
 */
public record Tools(List<FunctionTool> functions, ToolChoice choice, boolean parallel, Integer maxToolCalls) {
    /** No tools: OpenAI's defaults. */
    public static final Tools NONE = new Tools(List.of(), ToolChoice.AUTO, true, null);

    public Tools {
        functions = List.copyOf(functions);
        Objects.requireNonNull(choice, "choice");
    }

    /** Whether this request lets the model call a tool. */
    public boolean callable() {
        return !functions.isEmpty() && !(choice instanceof ToolChoice.None);
    }

    public static Tools of(List<FunctionTool> functions) {
        return new Tools(functions, ToolChoice.AUTO, true, null);
    }

    public Tools withChoice(ToolChoice value) {
        return new Tools(functions, value, parallel, maxToolCalls);
    }

    public Tools withParallel(boolean value) {
        return new Tools(functions, choice, value, maxToolCalls);
    }
}
