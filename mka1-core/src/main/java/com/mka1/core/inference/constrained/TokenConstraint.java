package com.mka1.core.inference.constrained;

import java.util.Objects;

/**
 * A grammar bound to a tokenizer's vocabulary: for each point in a document, the set of tokens whose
 * bytes keep the text a prefix of a document (multi-byte pieces, and byte tokens that split a UTF-8
 * character across tokens, included). Masks are computed by walking the vocabulary's trie through
 * the grammar's automaton and cached per automaton state, so a compiled constraint gets faster as
 * it is reused; compile one per (schema, tokenizer) and share it. Thread-safe.
 */
public final class TokenConstraint {
    private final GrammarAutomaton automaton;
    private final TokenVocabulary vocabulary;

    public TokenConstraint(Grammar grammar, TokenVocabulary vocabulary) {
        this.automaton = new GrammarAutomaton(Objects.requireNonNull(grammar, "grammar"));
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    }

    public Grammar grammar() {
        return automaton.grammar();
    }

    public TokenVocabulary vocabulary() {
        return vocabulary;
    }

    /** A decoding that starts at the beginning of a document; {@code stopTokenIds} may end it once it is whole. */
    public ConstrainedDecoding start(int[] stopTokenIds) {
        return new ConstrainedDecoding(this, stopTokenIds);
    }

    synchronized MatchState initial() {
        return automaton.initial();
    }

    /** The state after token {@code id}'s bytes, or {@link GrammarAutomaton#DEAD}. */
    synchronized MatchState advance(MatchState from, int id) {
        MatchState s = from;
        for (byte b : vocabulary.bytesView(id)) {
            s = automaton.step(s, b & 0xFF);
            if (s == GrammarAutomaton.DEAD) break;
        }
        return s;
    }

    /** The tokens allowed at {@code state} (a shared array: never modify it). */
    synchronized long[] mask(MatchState state) {
        if (state.mask == null) {
            long[] mask = TokenVocabulary.emptyMask(vocabulary.size());
            walk(vocabulary.root(), state, mask, -1);
            state.mask = mask;
        }
        return state.mask;
    }

    /**
     * The tokens allowed at {@code state} after which a document can still be finished within
     * {@code tokensAfter} more tokens, counting one for the stop token (never cached: it depends on the budget).
     */
    synchronized long[] maskWithin(MatchState state, int tokensAfter) {
        long[] mask = TokenVocabulary.emptyMask(vocabulary.size());
        walk(vocabulary.root(), state, mask, tokensAfter);
        return mask;
    }

    private void walk(TokenVocabulary.Node node, MatchState state, long[] mask, int tokensAfter) {
        byte[] labels = node.labels();
        TokenVocabulary.Node[] children = node.children();
        for (int i = 0; i < labels.length; i++) {
            MatchState next = automaton.step(state, labels[i] & 0xFF);
            if (next == GrammarAutomaton.DEAD) continue;
            if (tokensAfter < 0 || next.minCompletion + 1 <= tokensAfter) {
                for (int id : children[i].tokens()) {
                    mask[id >>> 6] |= 1L << (id & 63);
                }
            }
            walk(children[i], next, mask, tokensAfter);
        }
    }
}
