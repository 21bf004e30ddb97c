package com.mka1.api.responses;

/** One item of a conversation given as input: a message, a function call, or a call's output. */
public sealed interface InputItem permits InputMessage, FunctionCall, FunctionCallOutput {}
