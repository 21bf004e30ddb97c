package com.mka1.api.responses;

import java.util.Objects;

/** An {@code output_text} content part of an output message (its {@code annotations} are always empty). */
public record OutputText(String text) {
    public OutputText {
        Objects.requireNonNull(text, "text");
    }
}
