package com.mka1.api.responses;

/** One item of a response's {@code output}. Only assistant messages are produced today. */
public sealed interface OutputItem permits OutputMessage {
    /** The item id ({@code msg_...}). */
    String id();

    /** The wire {@code type}. */
    String type();
}
