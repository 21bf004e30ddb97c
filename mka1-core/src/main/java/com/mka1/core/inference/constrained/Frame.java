package com.mka1.core.inference.constrained;

/**
 * One thread of a parse: the rule and automaton state about to read a byte, over the return points
 * of the rules that called it (an immutable stack sharing its tail). {@link #ACCEPT} is the parse
 * of a whole document. {@code completion} is the fewest bytes that finish the document from here.
 */
final class Frame {
    static final Frame ACCEPT = new Frame(-1, -1, null, 0);

    final int rule;
    final int state;
    final Frame parent;
    final int completion;
    private final int depth;
    private final int hash;

    Frame(int rule, int state, Frame parent, int ownCompletion) {
        this.rule = rule;
        this.state = state;
        this.parent = parent;
        this.completion = ownCompletion + (parent == null ? 0 : parent.completion);
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.hash = 31 * (31 * rule + state) + (parent == null ? 0 : parent.hash);
    }

    int depth() {
        return depth;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Frame f)) return false;
        Frame a = this;
        while (a != null && f != null && a != f) {
            if (a.hash != f.hash || a.rule != f.rule || a.state != f.state) return false;
            a = a.parent;
            f = f.parent;
        }
        return a == f;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return this == ACCEPT ? "ACCEPT" : rule + ":" + state + (parent == null ? "" : " < " + parent);
    }
}
