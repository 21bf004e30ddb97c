package com.mka1.core.tokenizer;

/** A well-formed tokenizer.json that uses a component type or option this implementation does not support. */
public class UnsupportedTokenizerException extends RuntimeException {
    public UnsupportedTokenizerException(String message) {
        super(message);
    }
}
