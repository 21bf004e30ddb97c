package com.mka1.core.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.data.ChatMessage;
import com.mka1.core.data.PreferenceExample;
import com.mka1.core.train.testing.CharChatTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferenceEncoderTest {
    @Test
    void onlyTheRepliesCarryLossEvenWhenThePromptHasAssistantTurns() {
        PreferenceExample e = new PreferenceExample(
                List.of(ChatMessage.of("user", "a"), ChatMessage.of("assistant", "b"), ChatMessage.of("user", "c")), null,
                List.of(ChatMessage.of("assistant", "d")), List.of(ChatMessage.of("assistant", "ee")), 3);
        PreferenceEncoder.Encoded out = new PreferenceEncoder(new CharChatTemplate(), 100).encode(List.of(e));
        PreferencePair pair = out.pairs().getFirst();
        // prompt: 1 'a' 4 | 2 'b' 4 | 1 'c' 4 ; reply: 2 'd' 4
        assertThat(pair.chosen().ids()).containsExactly(1, 57, 4, 2, 58, 4, 1, 59, 4, 2, 10, 4);
        assertThat(pair.chosen().trainable()).containsExactly(false, false, false, false, false, false, false, false, false,
                false, true, true);
        assertThat(pair.rejected().ids()).containsExactly(1, 57, 4, 2, 58, 4, 1, 59, 4, 2, 11, 11, 4);
        assertThat(pair.rejected().trainedTokens()).isEqualTo(3);
        assertThat(pair.line()).isEqualTo(3);
    }

    @Test
    void pairsWhoseReplyIsTruncatedAwayAreDropped() {
        PreferenceExample e = new PreferenceExample(List.of(ChatMessage.of("user", "aaaa")), null,
                List.of(ChatMessage.of("assistant", "d")), List.of(ChatMessage.of("assistant", "e")), 8);
        PreferenceEncoder.Encoded out = new PreferenceEncoder(new CharChatTemplate(), 6).encode(List.of(e));
        assertThat(out.pairs()).isEmpty();
        assertThat(out.truncatedLines()).containsExactly(8);
        assertThat(out.droppedLines()).containsExactly(8);
    }
}
