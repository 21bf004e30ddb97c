package com.mka1.core.inference.constrained;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Grammar} run as a lazily built deterministic automaton over bytes: a state is the set of
 * parses of the bytes so far; stepping a byte advances each parse and follows calls, returns and
 * free moves until every parse waits for a byte again. States and transitions are memoised, so a
 * document shape seen before costs array lookups. Not thread-safe (its owner synchronises).
 */
final class GrammarAutomaton {
    static final MatchState DEAD = new MatchState(Set.of());
    /**
     * Interned states kept before the memo is dropped (recursive grammars have unboundedly many; each
     * state holds a 256-entry transition table and perhaps a token mask).
     */
    private static final int MAX_STATES = 5_000;
    /** Deeper nesting is refused, so a runaway recursion cannot exhaust the stack. */
    private static final int MAX_DEPTH = 1_000;

    private final Grammar grammar;
    private final Map<Set<Frame>, MatchState> interned = new HashMap<>();
    private MatchState initial;

    GrammarAutomaton(Grammar grammar) {
        this.grammar = grammar;
    }

    Grammar grammar() {
        return grammar;
    }

    MatchState initial() {
        if (initial == null) {
            Set<Frame> frames = new HashSet<>();
            close(grammar.root(), 0, null, frames, new HashSet<>());
            initial = intern(frames);
        }
        return initial;
    }

    /** The state after reading byte {@code b} (0..255), or {@link #DEAD}. */
    MatchState step(MatchState from, int b) {
        MatchState known = from.next[b];
        if (known != null) {
            return known;
        }
        Set<Frame> frames = new HashSet<>();
        Set<Frame> visited = new HashSet<>();
        for (Frame f : from.frames) {
            if (f == Frame.ACCEPT) continue;
            ByteSet[] sets = grammar.byteSets[f.rule][f.state];
            int[] targets = grammar.byteTargets[f.rule][f.state];
            for (int k = 0; k < sets.length; k++) {
                if (sets[k].contains(b)) {
                    close(f.rule, targets[k], f.parent, frames, visited);
                }
            }
        }
        MatchState to = frames.isEmpty() ? DEAD : intern(frames);
        from.next[b] = to;
        return to;
    }

    /** Follows free moves, calls and returns from (rule, state) until each parse waits for a byte or accepts. */
    private void close(int rule, int state, Frame parent, Set<Frame> out, Set<Frame> visited) {
        Frame here = new Frame(rule, state, parent, grammar.dist[rule][state]);
        if (!visited.add(here)) return;
        if (here.depth() > MAX_DEPTH) {
            throw new GrammarException("the document nests deeper than " + MAX_DEPTH + " levels");
        }
        if (grammar.byteSets[rule][state].length > 0) {
            out.add(here);
        }
        for (int to : grammar.free[rule][state]) {
            close(rule, to, parent, out, visited);
        }
        int[] calls = grammar.calls[rule][state];
        for (int k = 0; k < calls.length; k += 2) {
            int callee = calls[k];
            Frame back = new Frame(rule, calls[k + 1], parent, grammar.dist[rule][calls[k + 1]]);
            close(callee, 0, back, out, visited);
        }
        if (grammar.isEnd(rule, state)) {
            if (parent == null) {
                out.add(Frame.ACCEPT);
            } else {
                close(parent.rule, parent.state, parent.parent, out, visited);
            }
        }
    }

    private MatchState intern(Set<Frame> frames) {
        if (interned.size() >= MAX_STATES) {
            // states already handed out stay valid; dropping the initial state too lets the old graph be collected
            interned.clear();
            initial = null;
        }
        return interned.computeIfAbsent(Set.copyOf(frames), MatchState::new);
    }
}
