package com.mka1.api.responses;

/** One item of a response's {@code output}: an assistant message or a function call. */
public sealed interface OutputItem permits OutputMessage, FunctionCall {
    /** The item id ({@code msg_...}, {@code fc_...}). */
    String id();

    /** The wire {@code type}. */
    String type();
}
