package com.mka1.core.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds added tokens in text, leftmost then longest, with a character trie. */
final class AddedTokenMatcher {

    /** A piece of input: an added token at {@code [from, to)}, or plain text there when {@code token} is null. */
    record Segment(int from, int to, AddedToken token) {}

    private static final class Node {
        final Map<Character, Node> children = new HashMap<>();
        AddedToken token;
    }

    private final Node root = new Node();
    private final boolean empty;

    AddedTokenMatcher(List<AddedToken> tokens) {
        for (AddedToken t : tokens) {
            Node node = root;
            for (char c : t.content().toCharArray()) {
                node = node.children.computeIfAbsent(c, k -> new Node());
            }
            node.token = t;
        }
        empty = tokens.isEmpty();
    }

    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        int textFrom = 0;
        int i = 0;
        while (i < text.length() && !empty) {
            int matchEnd = -1;
            AddedToken match = null;
            Node node = root;
            for (int j = i; j < text.length(); j++) {
                node = node.children.get(text.charAt(j));
                if (node == null) {
                    break;
                }
                if (node.token != null && (!node.token.singleWord() || isSingleWord(text, i, j + 1))) {
                    match = node.token;
                    matchEnd = j + 1;
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            int from = i;
            int to = matchEnd;
            if (match.lstrip()) {
                while (from > textFrom && Character.isWhitespace(text.charAt(from - 1))) {
                    from--;
                }
            }
            if (match.rstrip()) {
                while (to < text.length() && Character.isWhitespace(text.charAt(to))) {
                    to++;
                }
            }
            if (from > textFrom) {
                out.add(new Segment(textFrom, from, null));
            }
            out.add(new Segment(from, to, match));
            textFrom = to;
            i = to;
        }
        if (text.length() > textFrom) {
            out.add(new Segment(textFrom, text.length(), null));
        }
        return out;
    }

    private static boolean isSingleWord(String text, int from, int to) {
        boolean before = from == 0 || !Character.isLetterOrDigit(text.charAt(from - 1));
        boolean after = to == text.length() || !Character.isLetterOrDigit(text.charAt(to));
        return before && after;
    }
}
