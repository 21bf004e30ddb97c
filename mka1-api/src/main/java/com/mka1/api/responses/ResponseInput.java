package com.mka1.api.responses;

import java.util.List;
import java.util.Objects;

/** The {@code input} of a Responses request: a plain string or a list of messages. */
public sealed interface ResponseInput {

    /** The input as messages: a string input is one user message. */
    List<InputMessage> messages();

    /** A string input ({@code "input": "Hello"}), treated as one user message. */
    record Text(String text) implements ResponseInput {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public List<InputMessage> messages() {
            return List.of(InputMessage.user(text));
        }
    }

    /** A message list ({@code "input": [{"role": "user", "content": "Hello"}]}). */
    record Messages(List<InputMessage> messages) implements ResponseInput {
        public Messages {
            messages = List.copyOf(messages);
        }
    }

    static ResponseInput of(String text) {
        return new Text(text);
    }

    static ResponseInput of(List<InputMessage> messages) {
        return new Messages(messages);
    }
}
