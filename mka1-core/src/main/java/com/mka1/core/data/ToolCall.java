package com.mka1.core.data;

/** An assistant's function call: {@code arguments} is the JSON text as given. */
public record ToolCall(String id, String name, String arguments) {}
