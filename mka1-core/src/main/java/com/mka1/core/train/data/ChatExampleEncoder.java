package com.mka1.core.train.data;

import com.mka1.core.data.ChatExample;
import com.mka1.core.tokenizer.ChatTemplate;
import com.mka1.core.tokenizer.RenderedChat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders chat examples with the model's chat template into {@link TokenizedExample}s. Examples
 * longer than {@code maxLength} tokens keep their first {@code maxLength} tokens; examples left
 * with no trained token are dropped (they cannot teach anything). Both are recorded in the
 * {@link Encoded} result so the caller can warn once per file.
 */
public final class ChatExampleEncoder {
    private final ChatTemplate template;
    private final int maxLength;

    public ChatExampleEncoder(ChatTemplate template, int maxLength) {
        this.template = template;
        this.maxLength = maxLength;
    }

    /** The encoded examples plus the lines that were truncated or dropped. */
    public record Encoded(List<TokenizedExample> examples, List<Integer> truncatedLines, List<Integer> droppedLines) {
        public Encoded {
            examples = List.copyOf(examples);
            truncatedLines = List.copyOf(truncatedLines);
            droppedLines = List.copyOf(droppedLines);
        }
    }

    public Encoded encode(List<ChatExample> examples) {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        List<Integer> truncated = new ArrayList<>();
        List<Integer> dropped = new ArrayList<>();
        for (ChatExample example : examples) {
            RenderedChat chat = template.render(example.messages(), example.toolsJson(), false);
            int[] ids = chat.ids();
            boolean[] trainable = chat.trainable();
            if (ids.length > maxLength) {
                truncated.add(example.line());
                ids = Arrays.copyOf(ids, maxLength);
                trainable = Arrays.copyOf(trainable, maxLength);
            }
            TokenizedExample encoded = ids.length == 0 ? null : new TokenizedExample(ids, trainable, example.line());
            if (encoded == null || encoded.trainedTokens() == 0) {
                dropped.add(example.line());
            } else {
                out.add(encoded);
            }
        }
        return new Encoded(out, truncated, dropped);
    }
}
