package com.mka1.core.train.data;

import com.mka1.core.data.ChatExample;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.data.PreferenceExample;
import com.mka1.core.tokenizer.ChatTemplate;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders DPO examples into {@link PreferencePair}s: prompt + preferred reply and prompt +
 * non-preferred reply, with the loss mask on the replies only (assistant turns inside the prompt
 * are context). Conversations longer than {@code maxLength} keep their first tokens; pairs where
 * either side is left with no reply token are dropped.
 */
public final class PreferenceEncoder {
    private final ChatExampleEncoder encoder;

    public PreferenceEncoder(ChatTemplate template, int maxLength) {
        this.encoder = new ChatExampleEncoder(template, maxLength);
    }

    /** The pairs plus the lines truncated or dropped. */
    public record Encoded(List<PreferencePair> pairs, List<Integer> truncatedLines, List<Integer> droppedLines) {
        public Encoded {
            pairs = List.copyOf(pairs);
            truncatedLines = List.copyOf(truncatedLines);
            droppedLines = List.copyOf(droppedLines);
        }
    }

    public Encoded encode(List<PreferenceExample> examples) {
        List<PreferencePair> pairs = new ArrayList<>();
        List<Integer> truncated = new ArrayList<>();
        List<Integer> dropped = new ArrayList<>();
        for (PreferenceExample e : examples) {
            ChatExampleEncoder.Encoded sides = encoder.encode(List.of(
                    new ChatExample(conversation(e.input(), e.preferred()), e.toolsJson(), e.line()),
                    new ChatExample(conversation(e.input(), e.nonPreferred()), e.toolsJson(), e.line())));
            if (!sides.truncatedLines().isEmpty()) truncated.add(e.line());
            if (sides.examples().size() == 2) {
                pairs.add(new PreferencePair(sides.examples().get(0), sides.examples().get(1), e.line()));
            } else {
                dropped.add(e.line());
            }
        }
        return new Encoded(pairs, truncated, dropped);
    }

    private static List<ChatMessage> conversation(List<ChatMessage> prompt, List<ChatMessage> reply) {
        List<ChatMessage> all = new ArrayList<>(prompt.size() + reply.size());
        for (ChatMessage m : prompt) {
            all.add(new ChatMessage(m.role(), m.content(), m.toolCalls(), m.toolCallId(), false));
        }
        for (ChatMessage m : reply) {
            all.add(new ChatMessage(m.role(), m.content(), m.toolCalls(), m.toolCallId(), "assistant".equals(m.role())));
        }
        return all;
    }
}
