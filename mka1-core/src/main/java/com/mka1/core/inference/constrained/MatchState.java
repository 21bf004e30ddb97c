package com.mka1.core.inference.constrained;

import java.util.Set;

/**
 * A point in a document: every parse of the bytes read so far (a set of {@link Frame}s), interned by
 * its {@link GrammarAutomaton} so that equal points are one object that caches its byte transitions
 * and its token mask.
 */
final class MatchState {
    final Set<Frame> frames;
    /** Whether the bytes so far are a whole document. */
    final boolean accepting;
    /** Whether another byte may follow. */
    final boolean open;
    /** The fewest bytes that finish a document from here. */
    final int minCompletion;
    /** Byte transitions found so far: null unknown, {@link GrammarAutomaton#DEAD} refused. */
    final MatchState[] next = new MatchState[256];
    /** The allowed tokens here (without stop tokens), once computed. */
    long[] mask;

    MatchState(Set<Frame> frames) {
        this.frames = frames;
        boolean accept = false;
        boolean more = false;
        int min = Grammar.UNREACHABLE;
        for (Frame f : frames) {
            if (f == Frame.ACCEPT) {
                accept = true;
            } else {
                more = true;
            }
            min = Math.min(min, f.completion);
        }
        this.accepting = accept;
        this.open = more;
        this.minCompletion = min;
    }
}
