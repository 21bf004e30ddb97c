package com.mka1.core.inference;

import com.mka1.core.inference.constrained.TokenConstraint;
import java.util.Objects;

/**
 * What to generate.
 *
 * @param promptIds       the prompt, already tokenized (chat template or raw text with BOS)
 * @param maxOutputTokens generated-token limit (at least 1); also bounded by the model's context
 * @param sampling        how tokens are chosen
 * @param stopTokenIds    ids that end generation (EOS, end-of-turn); they are not decoded into text
 * @param stopSequences   texts that end generation; they are cut from the output
 * @param constraint      the grammar the output must follow (structured outputs), or null for free text
 * @param triggered       a grammar the output follows from its start once it begins with the trigger text
 *                        (a tool call the model chose to write), or null
 */
public record GenerationRequest(int[] promptIds, int maxOutputTokens, SamplingSettings sampling, int[] stopTokenIds,
                                StopSequences stopSequences, TokenConstraint constraint, Triggered triggered) {
    public GenerationRequest {
        Objects.requireNonNull(promptIds, "promptIds");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(stopTokenIds, "stopTokenIds");
        Objects.requireNonNull(stopSequences, "stopSequences");
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, got " + maxOutputTokens);
        }
    }

    /** A free-text request. */
    public GenerationRequest(int[] promptIds, int maxOutputTokens, SamplingSettings sampling, int[] stopTokenIds,
                             StopSequences stopSequences) {
        this(promptIds, maxOutputTokens, sampling, stopTokenIds, stopSequences, null, null);
    }

    /** A request under {@code constraint} from the start (null: free text). */
    public GenerationRequest(int[] promptIds, int maxOutputTokens, SamplingSettings sampling, int[] stopTokenIds,
                             StopSequences stopSequences, TokenConstraint constraint) {
        this(promptIds, maxOutputTokens, sampling, stopTokenIds, stopSequences, constraint, null);
    }

    /**
     * A grammar that takes over when the output starts with {@code trigger}: the tokens so far are
     * replayed into it and decoding continues constrained (a strict tool call's arguments then
     * validate); output that starts otherwise stays free.
     */
    public record Triggered(String trigger, TokenConstraint constraint) {
        public Triggered {
            Objects.requireNonNull(trigger, "trigger");
            Objects.requireNonNull(constraint, "constraint");
            if (trigger.isEmpty()) {
                throw new IllegalArgumentException("the trigger must not be empty");
            }
        }
    }
}
