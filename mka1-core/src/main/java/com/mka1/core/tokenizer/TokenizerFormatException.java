package com.mka1.core.tokenizer;

/** A tokenizer.json or tokenizer_config.json that cannot be read: bad JSON, a missing or mistyped field. */
public class TokenizerFormatException extends RuntimeException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
