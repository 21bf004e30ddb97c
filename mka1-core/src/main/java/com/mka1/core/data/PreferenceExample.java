package com.mka1.core.data;

import java.util.List;

/**
 * A DPO training example: a prompt conversation and a preferred and a non-preferred assistant reply.
 */
public record PreferenceExample(List<ChatMessage> input, String toolsJson,
                                List<ChatMessage> preferred, List<ChatMessage> nonPreferred, int line) {
    public PreferenceExample {
        input = List.copyOf(input);
        preferred = List.copyOf(preferred);
        nonPreferred = List.copyOf(nonPreferred);
    }
}
