package com.mka1.core.inference.constrained;

import com.mka1.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The bytes every token adds to the text, arranged as a trie so that a token mask is one walk over
 * shared prefixes instead of one parse per token. Tokens that add no bytes (special tokens) are
 * never in a mask. Immutable and thread-safe.
 */
public final class TokenVocabulary {
    private final byte[][] bytes;
    private final Node root;
    private final boolean everyByte;

    /** @param tokenBytes per token id, the bytes it adds to the decoded text (empty or null: none) */
    public TokenVocabulary(byte[][] tokenBytes) {
        this.bytes = new byte[tokenBytes.length][];
        Builder trie = new Builder();
        boolean[] single = new boolean[256];
        for (int id = 0; id < tokenBytes.length; id++) {
            byte[] b = tokenBytes[id] == null ? new byte[0] : tokenBytes[id].clone();
            bytes[id] = b;
            if (b.length > 0) {
                trie.add(b, id);
            }
            if (b.length == 1) {
                single[b[0] & 0xFF] = true;
            }
        }
        this.root = trie.build();
        boolean all = true;
        for (boolean s : single) all &= s;
        this.everyByte = all;
    }

    /** The vocabulary of a tokenizer, from {@link Tokenizer#tokenBytes}. */
    public static TokenVocabulary of(Tokenizer tokenizer) {
        byte[][] b = new byte[tokenizer.vocabSize()][];
        for (int id = 0; id < b.length; id++) {
            b[id] = tokenizer.tokenBytes(id);
        }
        return new TokenVocabulary(b);
    }

    public int size() {
        return bytes.length;
    }

    /** The bytes token {@code id} adds (a copy). */
    public byte[] bytes(int id) {
        return bytes[id].clone();
    }

    byte[] bytesView(int id) {
        return bytes[id];
    }

    /**
     * Whether every byte value is a token on its own (byte-level and byte-fallback vocabularies):
     * then any document can be finished in as many tokens as it has bytes left.
     */
    public boolean hasEveryByte() {
        return everyByte;
    }

    Node root() {
        return root;
    }

    /** A trie node: the tokens whose bytes end here, and the children by next byte. */
    record Node(int[] tokens, byte[] labels, Node[] children) {}

    private static final class Builder {
        final TreeMap<Integer, Builder> children = new TreeMap<>();
        final List<Integer> tokens = new ArrayList<>();

        void add(byte[] b, int id) {
            Builder n = this;
            for (byte x : b) {
                n = n.children.computeIfAbsent(x & 0xFF, k -> new Builder());
            }
            n.tokens.add(id);
        }

        Node build() {
            byte[] labels = new byte[children.size()];
            Node[] kids = new Node[children.size()];
            int i = 0;
            for (var e : children.entrySet()) {
                labels[i] = (byte) (int) e.getKey();
                kids[i++] = e.getValue().build();
            }
            return new Node(tokens.stream().mapToInt(Integer::intValue).toArray(), labels, kids);
        }
    }

    @Override
    public String toString() {
        return "TokenVocabulary[" + bytes.length + " tokens, every byte: " + everyByte + "]";
    }

    static long[] emptyMask(int size) {
        return new long[(size + 63) >>> 6];
    }

    static boolean isEmpty(long[] mask) {
        return Arrays.stream(mask).allMatch(w -> w == 0);
    }
}
