package com.mka1.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of tokenizer.json: a word starts as one symbol per character (or per byte for
 * byte-level vocabularies) and the adjacent pair with the lowest merge rank is merged until none
 * is left, leftmost first among equal ranks. A binary heap over a linked list of symbols makes a
 * word cost O(n log n); results are cached per word (words up to 256 characters).
 */
final class BpeModel {
    private static final int CACHE_LIMIT = 100_000;
    /** Longer words (whole texts, for tokenizers without a pre-tokenizer) are not worth keeping. */
    private static final int CACHED_WORD_LENGTH = 256;

    private final Map<String, Integer> vocab;
    /** (left id, right id) to (rank << 32 | merged id). */
    private final Map<Long, Long> merges;
    private final int unkId;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final int[] byteIds;
    private final Map<String, WordTokens> cache = new ConcurrentHashMap<>();

    /** A word's tokens: {@code ids[i]} covers word units {@code [starts[i], ends[i])}. */
    record WordTokens(int[] ids, int[] starts, int[] ends) {}

    BpeModel(Map<String, Integer> vocab, Map<Long, Long> merges, int unkId, boolean fuseUnk,
             boolean byteFallback, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        this.byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        }
    }

    /** Packs a merge rule for the constructor's {@code merges} map. */
    static void addMerge(Map<Long, Long> merges, int left, int right, int rank, int merged) {
        merges.putIfAbsent(pairKey(left, right), ((long) rank << 32) | merged);
    }

    static Map<Long, Long> newMergeMap(int expected) {
        return new HashMap<>(expected * 2);
    }

    WordTokens encode(String word) {
        WordTokens cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        WordTokens result = encodeUncached(word);
        if (word.length() > CACHED_WORD_LENGTH) {
            return result;
        }
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear(); // bounded memory; the cache only saves time
        }
        cache.put(word, result);
        return result;
    }

    private WordTokens encodeUncached(String word) {
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                return new WordTokens(new int[] {whole}, new int[] {0}, new int[] {word.length()});
            }
        }
        Symbols s = initialSymbols(word);
        Heap heap = new Heap(s.count);
        for (int i = 0; i + 1 < s.count; i++) {
            pushPair(heap, s, i);
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int left = (int) top;
            int rank = (int) (top >>> 32);
            int right = s.next[left];
            if (!s.alive[left] || right < 0) {
                continue;
            }
            Long merge = merges.get(pairKey(s.id[left], s.id[right]));
            if (merge == null || (int) (merge >>> 32) != rank) {
                continue; // stale: one side was merged since this pair was queued
            }
            s.id[left] = (int) (long) merge;
            s.end[left] = s.end[right];
            s.alive[right] = false;
            s.next[left] = s.next[right];
            if (s.next[right] >= 0) {
                s.prev[s.next[right]] = left;
            }
            if (s.prev[left] >= 0) {
                pushPair(heap, s, s.prev[left]);
            }
            pushPair(heap, s, left);
        }
        return s.toTokens();
    }

    private void pushPair(Heap heap, Symbols s, int left) {
        int right = s.next[left];
        if (right < 0 || s.id[left] < 0 || s.id[right] < 0) {
            return;
        }
        Long merge = merges.get(pairKey(s.id[left], s.id[right]));
        if (merge != null) {
            heap.push((merge >>> 32 << 32) | left);
        }
    }

    private Symbols initialSymbols(String word) {
        Symbols s = new Symbols(word.length() * 4);
        for (int i = 0; i < word.length(); ) {
            int n = Character.charCount(word.codePointAt(i));
            String ch = word.substring(i, i + n);
            Integer id = vocab.get(ch);
            if (id != null) {
                s.add(id, i, i + n);
            } else if (byteFallback && allBytesKnown(ch)) {
                for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                    s.add(byteIds[b & 0xFF], i, i + n);
                }
            } else if (unkId >= 0) {
                if (fuseUnk && s.count > 0 && s.id[s.count - 1] == unkId) {
                    s.end[s.count - 1] = i + n;
                } else {
                    s.add(unkId, i, i + n);
                }
            } else {
                throw new IllegalArgumentException("character U+%04X is not in the vocabulary and the tokenizer has no unk_token"
                        .formatted(word.codePointAt(i)));
            }
            i += n;
        }
        return s;
    }

    private boolean allBytesKnown(String ch) {
        for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        return true;
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** A doubly linked list of symbols in arrays; merged-away symbols are marked dead. */
    private static final class Symbols {
        int count;
        int[] id;
        int[] start;
        int[] end;
        int[] prev;
        int[] next;
        boolean[] alive;

        Symbols(int capacity) {
            id = new int[capacity];
            start = new int[capacity];
            end = new int[capacity];
            prev = new int[capacity];
            next = new int[capacity];
            alive = new boolean[capacity];
        }

        void add(int symbolId, int from, int to) {
            id[count] = symbolId;
            start[count] = from;
            end[count] = to;
            prev[count] = count - 1;
            next[count] = -1;
            alive[count] = true;
            if (count > 0) {
                next[count - 1] = count;
            }
            count++;
        }

        WordTokens toTokens() {
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (alive[i]) {
                    n++;
                }
            }
            int[] ids = new int[n];
            int[] starts = new int[n];
            int[] ends = new int[n];
            int k = 0;
            for (int i = count > 0 ? 0 : -1; i >= 0; i = next[i]) {
                ids[k] = id[i];
                starts[k] = start[i];
                ends[k] = end[i];
                k++;
            }
            return new WordTokens(ids, starts, ends);
        }
    }

    /** A binary min-heap of longs (rank in the high half, left symbol index in the low half). */
    private static final class Heap {
        private long[] items;
        private int size;

        Heap(int capacity) {
            items = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long item) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            int i = size++;
            while (i > 0 && items[(i - 1) / 2] > item) {
                items[i] = items[(i - 1) / 2];
                i = (i - 1) / 2;
            }
            items[i] = item;
        }

        long pop() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (items[child] >= last) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
