package com.mka1.api.responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The {@code input} of a Responses request: a plain string, a list of messages, or a list of items. */
public sealed interface ResponseInput {

    /** The input's messages: a string input is one user message; function calls and their outputs are left out. */
    List<InputMessage> messages();

    /** The whole input as items, in order (messages, function calls, function call outputs). */
    default List<InputItem> items() {
        return List.copyOf(messages());
    }

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

    /** A list of messages. */
    record Messages(List<InputMessage> messages) implements ResponseInput {
        public Messages {
            messages = List.copyOf(messages);
        }
    }

    /** A list of items that continues a conversation with function calls and their outputs. */
    record Items(List<InputItem> items) implements ResponseInput {
        public Items {
            items = List.copyOf(items);
        }

        @Override
        public List<InputMessage> messages() {
            List<InputMessage> out = new ArrayList<>();
            for (InputItem item : items) {
                if (item instanceof InputMessage m) {
                    out.add(m);
                }
            }
            return List.copyOf(out);
        }
    }

    static ResponseInput of(String text) {
        return new Text(text);
    }

    static ResponseInput of(List<InputMessage> messages) {
        return new Messages(messages);
    }

    /** An input of items; a list of messages only is a {@link Messages} input. */
    static ResponseInput ofItems(List<? extends InputItem> items) {
        List<InputMessage> messages = new ArrayList<>();
        for (InputItem item : items) {
            if (!(item instanceof InputMessage m)) {
                return new Items(List.copyOf(items));
            }
            messages.add(m);
        }
        return new Messages(messages);
    }
}
