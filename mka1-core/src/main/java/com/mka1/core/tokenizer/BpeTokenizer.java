package com.mka1.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BPE tokenizer as tokenizer.json describes it: added tokens are cut out of the text first, each
 * remaining piece is normalized, pre-tokenized into words and BPE-encoded; the post-processor adds
 * BOS/EOS. Decoding runs the decoder chain. Byte-level (GPT-2, Llama 3, Qwen2) and SentencePiece
 * style (Llama 2, with byte fallback) vocabularies are both this class with different components.
 * Immutable and thread-safe.
 */
public final class BpeTokenizer implements Tokenizer {
    private final BpeModel model;
    private final String[] idToToken;
    private final Map<String, Integer> tokenToId;
    private final boolean[] special;
    private final AddedTokenMatcher addedTokens;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final int bosId;
    private final int eosId;

    BpeTokenizer(BpeModel model, Map<String, Integer> vocab, List<AddedToken> added, Normalizer normalizer,
                 PreTokenizer preTokenizer, PostProcessor postProcessor, Decoder decoder, int bosId, int eosId) {
        this.model = model;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.bosId = bosId;
        this.eosId = eosId;
        this.tokenToId = new HashMap<>(vocab);
        int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        for (AddedToken t : added) {
            size = Math.max(size, t.id() + 1);
            tokenToId.put(t.content(), t.id());
        }
        this.idToToken = new String[size];
        this.special = new boolean[size];
        vocab.forEach((token, id) -> idToToken[id] = token);
        for (AddedToken t : added) {
            idToToken[t.id()] = t.content();
            special[t.id()] = t.special();
        }
        this.addedTokens = new AddedTokenMatcher(added);
    }

    /** The same tokenizer with other BOS/EOS ids and post-processor (what tokenizer_config.json decides). */
    BpeTokenizer withSpecials(PostProcessor processor, int bos, int eos) {
        return new BpeTokenizer(this, processor, bos, eos);
    }

    private BpeTokenizer(BpeTokenizer base, PostProcessor processor, int bos, int eos) {
        this.model = base.model;
        this.idToToken = base.idToToken;
        this.tokenToId = base.tokenToId;
        this.special = base.special;
        this.addedTokens = base.addedTokens;
        this.normalizer = base.normalizer;
        this.preTokenizer = base.preTokenizer;
        this.decoder = base.decoder;
        this.postProcessor = processor;
        this.bosId = bos;
        this.eosId = eos;
    }

    PostProcessor postProcessor() {
        return postProcessor;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        return encodeWithOffsets(text, addSpecialTokens).ids();
    }

    /** Encodes and tells, for each token, the span of {@code text} it came from. */
    public Encoding encodeWithOffsets(String text, boolean addSpecialTokens) {
        IdsBuilder out = new IdsBuilder();
        if (addSpecialTokens) {
            for (int id : postProcessor.prefix()) {
                out.add(id, 0, 0);
            }
        }
        for (AddedTokenMatcher.Segment segment : addedTokens.split(text)) {
            if (segment.token() != null) {
                out.add(segment.token().id(), segment.from(), segment.to());
            } else {
                encodePlain(AlignedText.of(text, segment.from(), segment.to()), out);
            }
        }
        if (addSpecialTokens) {
            for (int id : postProcessor.suffix()) {
                out.add(id, text.length(), text.length());
            }
        }
        return out.build();
    }

    private void encodePlain(AlignedText text, IdsBuilder out) {
        AlignedText normalized = normalizer == null ? text : normalizer.apply(text);
        List<AlignedText> words = new ArrayList<>();
        if (preTokenizer == null) {
            if (!normalized.isEmpty()) {
                words.add(normalized);
            }
        } else {
            preTokenizer.split(normalized, words);
        }
        for (AlignedText word : words) {
            BpeModel.WordTokens tokens = model.encode(word.text());
            for (int i = 0; i < tokens.ids().length; i++) {
                out.add(tokens.ids()[i], word.start()[tokens.starts()[i]], word.end()[tokens.ends()[i] - 1]);
            }
        }
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
                throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + idToToken.length + ")");
            }
            if (!(skipSpecialTokens && special[id])) {
                tokens.add(idToToken[id]);
            }
        }
        return String.join(decoder == null ? " " : "", decoder == null ? tokens : decoder.decode(tokens));
    }

    @Override
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null || special[id]) {
            return new byte[0];
        }
        String token = idToToken[id];
        if (decoder == null) {
            return token.getBytes(StandardCharsets.UTF_8);
        }
        if (uses(Decoder.ByteLevel.class)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
            ByteLevelAlphabet.decodeInto(token, out);
            return out.toByteArray();
        }
        int fallback = uses(Decoder.ByteFallback.class) ? Decoder.ByteFallback.byteToken(token) : -1;
        if (fallback >= 0) {
            return new byte[] {(byte) fallback};
        }
        // decoded after a neighbour, so that first-token rules (Strip, Metaspace's dropped space) do not apply
        String both = String.join("", decoder.decode(List.of("x", token)));
        return both.substring(1).getBytes(StandardCharsets.UTF_8);
    }

    private boolean uses(Class<? extends Decoder> kind) {
        return kind.isInstance(decoder)
                || decoder instanceof Decoder.Sequence seq && seq.decoders().stream().anyMatch(kind::isInstance);
    }

    @Override
    public int vocabSize() {
        return idToToken.length;
    }

    @Override
    public int tokenId(String token) {
        return tokenToId.getOrDefault(token, -1);
    }

    /** The token string of an id (as in the vocabulary, e.g. "▁Hello" or "Ġworld"). */
    public String token(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary");
        }
        return idToToken[id];
    }

    /** Whether an id is a special added token (dropped by {@code decode(ids, true)}). */
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    private static final class IdsBuilder {
        private int[] ids = new int[64];
        private int[] starts = new int[64];
        private int[] ends = new int[64];
        private int size;

        void add(int id, int start, int end) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            ids[size] = id;
            starts[size] = start;
            ends[size] = end;
            size++;
        }

        Encoding build() {
            return new Encoding(Arrays.copyOf(ids, size), Arrays.copyOf(starts, size), Arrays.copyOf(ends, size));
        }
    }
}
