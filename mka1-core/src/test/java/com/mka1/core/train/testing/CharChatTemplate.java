package com.mka1.core.train.testing;

import com.mka1.core.data.ChatMessage;
import com.mka1.core.tokenizer.ChatTemplate;
import com.mka1.core.tokenizer.RenderedChat;
import java.util.ArrayList;
import java.util.List;

/**
 * A small real chat template for tests: each message is a role token (user 1, assistant 2, other
 * 3), its characters as ids {@code 10 + (char % 50)}, and an end-of-turn token 4; assistant
 * content and its end token are trainable when the message is.
 */
public final class CharChatTemplate implements ChatTemplate {
    public static final int VOCAB = 60;

    @Override
    public String name() {
        return "chars";
    }

    @Override
    public RenderedChat render(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        List<Integer> ids = new ArrayList<>();
        List<Boolean> trainable = new ArrayList<>();
        for (ChatMessage m : messages) {
            boolean train = m.role().equals("assistant") && m.trainable();
            ids.add(switch (m.role()) {
                case "user" -> 1;
                case "assistant" -> 2;
                default -> 3;
            });
            trainable.add(false);
            for (char c : m.content().toCharArray()) {
                ids.add(10 + c % 50);
                trainable.add(train);
            }
            ids.add(4);
            trainable.add(train);
        }
        if (addGenerationPrompt) {
            ids.add(2);
            trainable.add(false);
        }
        int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        boolean[] mask = new boolean[trainable.size()];
        for (int i = 0; i < mask.length; i++) mask[i] = trainable.get(i);
        return new RenderedChat(idArray, mask);
    }

    @Override
    public int[] stopTokenIds() {
        return new int[] {4};
    }
}
