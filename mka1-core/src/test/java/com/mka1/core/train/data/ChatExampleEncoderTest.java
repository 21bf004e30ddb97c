package com.mka1.core.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.data.ChatExample;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.train.testing.CharChatTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatExampleEncoderTest {
    private static ChatExample chat(int line, String user, String assistant) {
        return new ChatExample(List.of(ChatMessage.of("user", user), ChatMessage.of("assistant", assistant)), null, line);
    }

    @Test
    void rendersWithTheTemplateAndKeepsTheLossMask() {
        ChatExampleEncoder.Encoded out = new ChatExampleEncoder(new CharChatTemplate(), 100).encode(List.of(chat(1, "a", "b")));
        // user 1, 'a' (97%50+10=57), end 4, assistant 2, 'b' (58), end 4
        TokenizedExample e = out.examples().getFirst();
        assertThat(e.ids()).containsExactly(1, 57, 4, 2, 58, 4);
        assertThat(e.trainable()).containsExactly(false, false, false, false, true, true);
        assertThat(e.line()).isEqualTo(1);
        assertThat(out.truncatedLines()).isEmpty();
        assertThat(out.droppedLines()).isEmpty();
    }

    @Test
    void truncatesLongExamplesAndDropsThoseLeftWithoutTrainedTokens() {
        List<ChatExample> examples = List.of(chat(1, "a", "bcdef"), chat(2, "aaaaaa", "b"), chat(3, "a", "b"));
        ChatExampleEncoder.Encoded out = new ChatExampleEncoder(new CharChatTemplate(), 6).encode(examples);
        assertThat(out.truncatedLines()).containsExactly(1, 2);
        assertThat(out.droppedLines()).containsExactly(2);
        assertThat(out.examples()).extracting(TokenizedExample::line).containsExactly(1, 3);
        assertThat(out.examples().getFirst().ids()).containsExactly(1, 57, 4, 2, 58, 59);
        assertThat(out.examples().getFirst().trainedTokens()).isEqualTo(2);
    }

    @Test
    void assistantMessagesWithWeightZeroAreNotTrained() {
        ChatExample e = new ChatExample(List.of(ChatMessage.of("user", "a"),
                new ChatMessage("assistant", "b", List.of(), null, false)), null, 5);
        ChatExampleEncoder.Encoded out = new ChatExampleEncoder(new CharChatTemplate(), 100).encode(List.of(e));
        assertThat(out.examples()).isEmpty();
        assertThat(out.droppedLines()).containsExactly(5);
    }
}
