package com.mka1.core.inference.constrained;

/**
 * One generation under a {@link TokenConstraint}: where in the document the output is, which tokens
 * may come next, and whether a token still leaves room to finish within a token budget. Stop tokens
 * are allowed exactly when the output is a whole document. Not thread-safe (one per generation).
 */
public final class ConstrainedDecoding {
    private final TokenConstraint constraint;
    private final int[] stopTokenIds;
    private MatchState state;

    ConstrainedDecoding(TokenConstraint constraint, int[] stopTokenIds) {
        this.constraint = constraint;
        this.stopTokenIds = stopTokenIds.clone();
        this.state = constraint.initial();
    }

    /** The tokens that may come next, as a bit set over token ids (a fresh array). */
    public long[] allowed() {
        return withStops(constraint.mask(state).clone());
    }

    /**
     * The tokens that may come next and still let the document finish in {@code tokensAfter} more
     * tokens, one of them the stop token (a fresh array; empty when no token does).
     */
    public long[] allowedWithin(int tokensAfter) {
        return withStops(constraint.maskWithin(state, tokensAfter));
    }

    /** Whether {@code token} may come next and leaves room to finish in {@code tokensAfter} more tokens. */
    public boolean fits(int token, int tokensAfter) {
        if (isStop(token)) {
            return state.accepting;
        }
        MatchState next = constraint.advance(state, token);
        return next != GrammarAutomaton.DEAD && next.minCompletion + 1 <= tokensAfter;
    }

    /** Moves past {@code token}, which must be allowed. */
    public void accept(int token) {
        if (isStop(token)) {
            if (!state.accepting) {
                throw new IllegalStateException("stop token " + token + " before the document is whole");
            }
            return;
        }
        MatchState next = constraint.advance(state, token);
        if (next == GrammarAutomaton.DEAD) {
            throw new IllegalStateException("token " + token + " cannot continue the document");
        }
        state = next;
    }

    /** Whether the output so far is a whole document. */
    public boolean isComplete() {
        return state.accepting;
    }

    /** Whether more text may follow the output so far. */
    public boolean canContinue() {
        return state.open;
    }

    /** The fewest bytes that finish the document. */
    public int minBytesToFinish() {
        return state.minCompletion;
    }

    private long[] withStops(long[] mask) {
        if (state.accepting) {
            for (int id : stopTokenIds) {
                if (id >= 0 && id < constraint.vocabulary().size()) {
                    mask[id >>> 6] |= 1L << (id & 63);
                }
            }
        }
        return mask;
    }

    private boolean isStop(int token) {
        for (int id : stopTokenIds) {
            if (id == token) return true;
        }
        return false;
    }

    /** Whether bit {@code id} is set in a mask from {@link #allowed()}. */
    public static boolean contains(long[] mask, int id) {
        return (mask[id >>> 6] & (1L << (id & 63))) != 0;
    }

    /** Whether a mask allows no token. */
    public static boolean isEmpty(long[] mask) {
        return TokenVocabulary.isEmpty(mask);
    }
}
