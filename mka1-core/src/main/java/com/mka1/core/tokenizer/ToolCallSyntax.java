package com.mka1.core.tokenizer;

import java.util.Objects;

/**
 * How a chat template writes an assistant's function calls in text, so that serving parses (and
 * constrains) exactly what training taught the model to write. A turn's calls read
 * {@code before + call (separator call)* + after}; each call is {@code open + body + close}, where
 * the body is the JSON object {@code {"name": NAME, "<argumentsKey>": ARGS}} or, for a syntax with a
 * {@code nameEnd}, {@code NAME + nameEnd + ARGS}.
 *
 * @param name         a short name ("hermes", "mistral", "llama3_json", "functionary_v3", "functionary_v3.1")
 * @param before       text that opens the list of calls ("" when each call opens itself)
 * @param open         text that opens one call
 * @param nameEnd      text between the function name and its arguments, or null for the JSON-object body
 * @param argumentsKey the JSON-object body's key for the arguments ("arguments" or "parameters")
 * @param close        text that closes one call
 * @param separator    text between two calls
 * @param after        text that closes the list of calls
 */
public record ToolCallSyntax(String name, String before, String open, String nameEnd, String argumentsKey, String close,
                             String separator, String after) {
    /** Hermes / Qwen: {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>}, one block per call; the built-in templates' format. */
    public static final ToolCallSyntax HERMES =
            new ToolCallSyntax("hermes", "", "<tool_call>\n", null, "arguments", "\n</tool_call>", "\n", "");
    /** Mistral: {@code [TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]}. */
    public static final ToolCallSyntax MISTRAL =
            new ToolCallSyntax("mistral", "[TOOL_CALLS][", "", null, "arguments", "", ", ", "]");
    /** Llama 3.1 JSON calling: {@code {"name": ..., "parameters": {...}}}, one per line. */
    public static final ToolCallSyntax LLAMA3_JSON =
            new ToolCallSyntax("llama3_json", "", "", null, "parameters", "", "\n", "");
    /** Functionary v3 (v3.2): {@code >>>NAME\n{...}} per call. */
    public static final ToolCallSyntax FUNCTIONARY_V3 =
            new ToolCallSyntax("functionary_v3", "", ">>>", "\n", null, "", "", "");
    /** Functionary v3.1 (Llama 3.1 based): {@code <function=NAME>{...}</function>} per call. */
    public static final ToolCallSyntax FUNCTIONARY_V31 =
            new ToolCallSyntax("functionary_v3.1", "", "<function=", ">", null, "</function>", "", "");

    public ToolCallSyntax {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(close, "close");
        Objects.requireNonNull(separator, "separator");
        Objects.requireNonNull(after, "after");
        if (nameEnd == null) {
            Objects.requireNonNull(argumentsKey, "argumentsKey");
        }
    }

    /**
     * The syntax a Jinja chat template's text writes calls in, found by its markers:
     * {@code <tool_call>} Hermes/Qwen, {@code [TOOL_CALLS]} Mistral, {@code <function=} and
     * {@code >>>} functionary, Llama 3 headers Llama 3.1 JSON; anything else Hermes.
     */
    public static ToolCallSyntax detect(String templateText) {
        if (templateText == null) {
            return HERMES;
        }
        if (templateText.contains("<tool_call>")) {
            return HERMES;
        }
        if (templateText.contains("[TOOL_CALLS]")) {
            return MISTRAL;
        }
        if (templateText.contains("<function=")) {
            return FUNCTIONARY_V31;
        }
        if (templateText.contains(">>>")) {
            return FUNCTIONARY_V3;
        }
        if (templateText.contains("<|start_header_id|>")) {
            return LLAMA3_JSON;
        }
        return HERMES;
    }
}
