package com.mka1.core.inference.constrained;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named rules over bytes, each compiled to a small automaton whose edges read a byte from a set,
 * call another rule, or move without reading (a recursive transition network: a pushdown
 * automaton, so recursive JSON nests without limit). One rule is the document. Immutable.
 *
 * <p>Built only from grammars that can always finish: every rule has a finite match and no rule
 * reaches itself without reading a byte, so a decoder following it can always complete a document
 * and knows how many bytes that takes at least ({@link #minBytes}).
 */
public final class Grammar {
    static final int UNREACHABLE = Integer.MAX_VALUE / 4;

    private final String[] names;
    private final int root;
    private final int[] end;
    final ByteSet[][][] byteSets;
    final int[][][] byteTargets;
    final int[][][] free;
    /** Per state, pairs {callee, return state}. */
    final int[][][] calls;
    /** Per state, the fewest bytes that reach the rule's end. */
    final int[][] dist;

    private Grammar(String[] names, int root, List<RuleNfa> nfas) {
        this.names = names;
        this.root = root;
        int n = nfas.size();
        end = new int[n];
        byteSets = new ByteSet[n][][];
        byteTargets = new int[n][][];
        free = new int[n][][];
        calls = new int[n][][];
        for (int r = 0; r < n; r++) {
            RuleNfa nfa = nfas.get(r);
            end[r] = nfa.end;
            int states = nfa.states();
            byteSets[r] = new ByteSet[states][];
            byteTargets[r] = new int[states][];
            free[r] = new int[states][];
            calls[r] = new int[states][];
            for (int s = 0; s < states; s++) {
                byteSets[r][s] = nfa.byteSets.get(s).toArray(ByteSet[]::new);
                byteTargets[r][s] = nfa.byteTargets.get(s).stream().mapToInt(Integer::intValue).toArray();
                free[r][s] = nfa.free.get(s).stream().mapToInt(Integer::intValue).toArray();
                calls[r][s] = nfa.calls.get(s).stream().mapToInt(Integer::intValue).toArray();
            }
        }
        dist = distances();
        for (int r = 0; r < n; r++) {
            if (dist[r][0] >= UNREACHABLE) {
                throw new GrammarException("rule '" + names[r] + "' has no finite match");
            }
        }
        checkNoLeftRecursion();
    }

    /**
     * Compiles rules (name to expression; names referred to by {@link Expr.Ref} must be among them)
     * with {@code root} as the document.
     */
    public static Grammar of(Map<String, Expr> rules, String root) {
        Map<String, Integer> index = new HashMap<>();
        String[] names = rules.keySet().toArray(String[]::new);
        for (int i = 0; i < names.length; i++) {
            index.put(names[i], i);
        }
        if (!index.containsKey(root)) {
            throw new GrammarException("no rule named '" + root + "'");
        }
        List<RuleNfa> nfas = new ArrayList<>();
        for (String name : names) {
            RuleNfa nfa = new RuleNfa(index);
            nfa.end = nfa.compile(rules.get(name), nfa.newState());
            nfas.add(nfa);
        }
        return new Grammar(names, index.get(root), nfas);
    }

    /** A grammar of one rule. */
    public static Grammar of(Expr document) {
        Map<String, Expr> rules = new LinkedHashMap<>();
        rules.put("document", document);
        return of(rules, "document");
    }

    int root() {
        return root;
    }

    boolean isEnd(int rule, int state) {
        return end[rule] == state;
    }

    /** The fewest bytes of a whole document. */
    public int minBytes() {
        return dist[root][0];
    }

    private int[][] distances() {
        int n = end.length;
        int[][] d = new int[n][];
        for (int r = 0; r < n; r++) {
            d[r] = new int[byteSets[r].length];
            Arrays.fill(d[r], UNREACHABLE);
            d[r][end[r]] = 0;
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int r = 0; r < n; r++) {
                for (int s = 0; s < d[r].length; s++) {
                    int best = d[r][s];
                    for (int to : byteTargets[r][s]) {
                        best = Math.min(best, 1 + d[r][to]);
                    }
                    for (int to : free[r][s]) {
                        best = Math.min(best, d[r][to]);
                    }
                    int[] c = calls[r][s];
                    for (int k = 0; k < c.length; k += 2) {
                        best = Math.min(best, Math.min(UNREACHABLE, d[c[k]][0] + d[r][c[k + 1]]));
                    }
                    if (best < d[r][s]) {
                        d[r][s] = best;
                        changed = true;
                    }
                }
            }
        }
        return d;
    }

    /** Refuses a rule that can reach a call of itself without reading a byte (its closure would never end). */
    private void checkNoLeftRecursion() {
        int n = end.length;
        List<List<Integer>> leftCalls = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            List<Integer> callees = new ArrayList<>();
            boolean[] seen = new boolean[byteSets[r].length];
            ArrayList<Integer> todo = new ArrayList<>(List.of(0));
            while (!todo.isEmpty()) {
                int s = todo.removeLast();
                if (seen[s]) continue;
                seen[s] = true;
                for (int to : free[r][s]) todo.add(to);
                int[] c = calls[r][s];
                for (int k = 0; k < c.length; k += 2) {
                    callees.add(c[k]);
                    if (dist[c[k]][0] == 0) todo.add(c[k + 1]); // the callee may read nothing
                }
            }
            leftCalls.add(callees);
        }
        int[] mark = new int[n]; // 0 new, 1 on the path, 2 done
        for (int r = 0; r < n; r++) {
            visit(r, leftCalls, mark);
        }
    }

    private void visit(int r, List<List<Integer>> leftCalls, int[] mark) {
        if (mark[r] == 2) return;
        if (mark[r] == 1) {
            throw new GrammarException("rule '" + names[r] + "' refers to itself before reading any byte");
        }
        mark[r] = 1;
        for (int q : leftCalls.get(r)) visit(q, leftCalls, mark);
        mark[r] = 2;
    }

    /** One rule's automaton while it is built (Thompson's construction). */
    private static final class RuleNfa {
        final Map<String, Integer> index;
        final List<List<ByteSet>> byteSets = new ArrayList<>();
        final List<List<Integer>> byteTargets = new ArrayList<>();
        final List<List<Integer>> free = new ArrayList<>();
        final List<List<Integer>> calls = new ArrayList<>();
        int end;

        RuleNfa(Map<String, Integer> index) {
            this.index = index;
        }

        int states() {
            return byteSets.size();
        }

        int newState() {
            byteSets.add(new ArrayList<>());
            byteTargets.add(new ArrayList<>());
            free.add(new ArrayList<>());
            calls.add(new ArrayList<>());
            return byteSets.size() - 1;
        }

        void addByte(int from, ByteSet set, int to) {
            byteSets.get(from).add(set);
            byteTargets.get(from).add(to);
        }

        /** Adds {@code e} starting at {@code from}; returns the state where it ends. */
        int compile(Expr e, int from) {
            return switch (e) {
                case Expr.Bytes b -> {
                    int to = newState();
                    addByte(from, b.set(), to);
                    yield to;
                }
                case Expr.Literal l -> {
                    int s = from;
                    for (byte b : l.bytes()) {
                        int to = newState();
                        addByte(s, ByteSet.range(b & 0xFF, b & 0xFF), to);
                        s = to;
                    }
                    yield s;
                }
                case Expr.Seq q -> {
                    int s = from;
                    for (Expr item : q.items()) {
                        s = compile(item, s);
                    }
                    yield s;
                }
                case Expr.Alt a -> {
                    int join = newState();
                    for (Expr option : a.options()) {
                        // each option starts in its own state so that loops inside one never reach another
                        int start = newState();
                        free.get(from).add(start);
                        free.get(compile(option, start)).add(join);
                    }
                    yield join;
                }
                case Expr.Repeat r -> {
                    int s = from;
                    for (int i = 0; i < r.min(); i++) {
                        s = compile(r.item(), s);
                    }
                    if (r.max() < 0) {
                        int loop = newState();
                        free.get(s).add(loop);
                        free.get(compile(r.item(), loop)).add(loop);
                        yield loop;
                    }
                    for (int i = r.min(); i < r.max(); i++) {
                        int start = newState();
                        int skip = newState();
                        free.get(s).add(start);
                        free.get(s).add(skip);
                        free.get(compile(r.item(), start)).add(skip);
                        s = skip;
                    }
                    yield s;
                }
                case Expr.Ref ref -> {
                    Integer callee = index.get(ref.rule());
                    if (callee == null) {
                        throw new GrammarException("no rule named '" + ref.rule() + "'");
                    }
                    int to = newState();
                    calls.get(from).add(callee);
                    calls.get(from).add(to);
                    yield to;
                }
            };
        }
    }
}
