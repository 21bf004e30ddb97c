package com.mka1.core.tokenizer;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds a {@link BpeTokenizer} from tokenizer.json. Only BPE models and the component types listed
 * in docs/tokenizer.md are accepted; anything else is refused with {@link UnsupportedTokenizerException}
 * naming the component.
 */
final class TokenizerJsonReader {
    private TokenizerJsonReader() {}

    static BpeTokenizer read(JsonObject json) {
        JsonObject model = json.object("model");
        Map<String, Integer> vocab = vocab(model);
        List<AddedToken> added = json.has("added_tokens") ? addedTokens(json) : List.of();
        Map<String, Integer> allTokens = new HashMap<>(vocab);
        added.forEach(t -> allTokens.put(t.content(), t.id()));
        BpeModel bpe = bpeModel(model, vocab);
        PostProcessor post = json.has("post_processor") ? postProcessor(json.object("post_processor"), allTokens) : new PostProcessor.None();
        int bos = post.prefix().length > 0 ? post.prefix()[0] : -1;
        return new BpeTokenizer(bpe, vocab, added,
                json.has("normalizer") ? normalizer(json.object("normalizer")) : null,
                json.has("pre_tokenizer") ? preTokenizer(json.object("pre_tokenizer")) : null,
                post,
                json.has("decoder") ? decoder(json.object("decoder")) : null,
                bos, -1);
    }

    private static Map<String, Integer> vocab(JsonObject model) {
        String type = model.optString("type", "BPE");
        if (!type.equals("BPE")) {
            throw new UnsupportedTokenizerException(model.where("type") + ": model type \"" + type + "\" is not supported (only BPE)");
        }
        JsonObject vocabJson = model.object("vocab");
        Map<String, Integer> vocab = new HashMap<>(vocabJson.fields().size() * 2);
        vocabJson.fields().forEach((token, id) -> {
            if (!(Json.integerOrNull(id) instanceof Long l)) {
                throw new TokenizerFormatException(vocabJson.where(token) + ": expected an integer id");
            }
            vocab.put(token, Math.toIntExact(l));
        });
        return vocab;
    }

    private static BpeModel bpeModel(JsonObject model, Map<String, Integer> vocab) {
        if (Json.numberOrNull(model.raw("dropout")) instanceof Double d && d != 0) {
            throw new UnsupportedTokenizerException(model.where("dropout") + ": BPE dropout is not supported");
        }
        for (String field : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (model.has(field) && !model.string(field).isEmpty()) {
                throw new UnsupportedTokenizerException(model.where(field) + " is not supported");
            }
        }
        List<JsonValue> mergeList = model.has("merges") ? model.list("merges") : List.of();
        Map<Long, Long> merges = BpeModel.newMergeMap(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] pair = mergePair(mergeList.get(rank), model.where("merges") + "[" + rank + "]");
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw new TokenizerFormatException(model.where("merges") + "[" + rank + "]: \"" + pair[0] + " " + pair[1]
                        + "\" uses or makes a token that is not in the vocabulary");
            }
            BpeModel.addMerge(merges, left, right, rank, merged);
        }
        String unk = model.optString("unk_token", null);
        int unkId = -1;
        if (unk != null) {
            Integer id = vocab.get(unk);
            if (id == null) {
                throw new TokenizerFormatException(model.where("unk_token") + ": \"" + unk + "\" is not in the vocabulary");
            }
            unkId = id;
        }
        return new BpeModel(vocab, merges, unkId, model.optBool("fuse_unk", false),
                model.optBool("byte_fallback", false), model.optBool("ignore_merges", false));
    }

    /** A merge is "left right" (older files) or ["left", "right"] (newer files). */
    private static String[] mergePair(JsonValue merge, String where) {
        if (merge instanceof JsonValue.Str(String s)) {
            int space = s.indexOf(' ');
            if (space <= 0 || space != s.lastIndexOf(' ') || space == s.length() - 1) {
                throw new TokenizerFormatException(where + ": expected \"left right\", got \"" + s + "\"");
            }
            return new String[] {s.substring(0, space), s.substring(space + 1)};
        }
        if (merge instanceof JsonValue.Arr(List<JsonValue> l) && l.size() == 2
                && l.get(0) instanceof JsonValue.Str(String a) && l.get(1) instanceof JsonValue.Str(String b)) {
            return new String[] {a, b};
        }
        throw new TokenizerFormatException(where + ": expected \"left right\" or [left, right]");
    }

    private static List<AddedToken> addedTokens(JsonObject json) {
        List<AddedToken> tokens = new ArrayList<>();
        for (JsonObject t : json.objects("added_tokens")) {
            tokens.add(new AddedToken(Math.toIntExact(t.integer("id")), t.string("content"), t.optBool("special", false),
                    t.optBool("lstrip", false), t.optBool("rstrip", false), t.optBool("single_word", false)));
        }
        return tokens;
    }

    static Normalizer normalizer(JsonObject n) {
        String type = n.string("type");
        return switch (type) {
            case "Sequence" -> new Normalizer.Sequence(n.objects("normalizers").stream().map(TokenizerJsonReader::normalizer).toList());
            case "Prepend" -> new Normalizer.Prepend(n.string("prepend"));
            case "Replace" -> new Normalizer.Replace(literalPattern(n), n.string("content"));
            case "NFC" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFC);
            case "NFD" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFD);
            case "NFKC" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFKC);
            case "NFKD" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> new Normalizer.Lowercase();
            default -> throw unsupported("normalizer", type, n);
        };
    }

    static PreTokenizer preTokenizer(JsonObject p) {
        String type = p.string("type");
        return switch (type) {
            case "Sequence" -> new PreTokenizer.Sequence(p.objects("pretokenizers").stream().map(TokenizerJsonReader::preTokenizer).toList());
            case "ByteLevel" -> new PreTokenizer.ByteLevel(p.optBool("add_prefix_space", true), p.optBool("use_regex", true));
            case "Split" -> split(p);
            case "Digits" -> new PreTokenizer.Digits(p.optBool("individual_digits", false));
            case "Metaspace" -> new PreTokenizer.Metaspace(replacementChar(p), prependScheme(p), p.optBool("split", true));
            default -> throw unsupported("pre_tokenizer", type, p);
        };
    }

    private static PreTokenizer split(JsonObject p) {
        if (p.optBool("invert", false)) {
            throw new UnsupportedTokenizerException(p.where("invert") + ": Split with invert=true is not supported");
        }
        JsonObject pattern = p.object("pattern");
        Pattern regex = pattern.has("Regex")
                ? PreTokenizer.compileRegex(pattern.string("Regex"))
                : Pattern.compile(Pattern.quote(pattern.string("String")));
        String behavior = p.string("behavior");
        PreTokenizer.SplitBehavior b = switch (behavior) {
            case "Isolated" -> PreTokenizer.SplitBehavior.ISOLATED;
            case "Removed" -> PreTokenizer.SplitBehavior.REMOVED;
            case "MergedWithPrevious" -> PreTokenizer.SplitBehavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> PreTokenizer.SplitBehavior.MERGED_WITH_NEXT;
            default -> throw new UnsupportedTokenizerException(p.where("behavior") + ": Split behavior \"" + behavior + "\" is not supported");
        };
        return new PreTokenizer.Split(regex, b);
    }

    private static char replacementChar(JsonObject p) {
        String r = p.optString("replacement", "\u2581");
        if (r.length() != 1) {
            throw new UnsupportedTokenizerException(p.where("replacement") + ": must be one character, got \"" + r + "\"");
        }
        return r.charAt(0);
    }

    private static PreTokenizer.Metaspace.PrependScheme prependScheme(JsonObject p) {
        String scheme = p.has("prepend_scheme") ? p.string("prepend_scheme") : (p.optBool("add_prefix_space", true) ? "always" : "never");
        return switch (scheme) {
            case "always" -> PreTokenizer.Metaspace.PrependScheme.ALWAYS;
            case "first" -> PreTokenizer.Metaspace.PrependScheme.FIRST;
            case "never" -> PreTokenizer.Metaspace.PrependScheme.NEVER;
            default -> throw new UnsupportedTokenizerException(p.where("prepend_scheme") + ": \"" + scheme + "\" is not supported");
        };
    }

    static PostProcessor postProcessor(JsonObject p, Map<String, Integer> tokens) {
        String type = p.string("type");
        return switch (type) {
            case "Sequence" -> new PostProcessor.Sequence(p.objects("processors").stream().map(q -> postProcessor(q, tokens)).toList());
            case "ByteLevel" -> new PostProcessor.None();
            case "TemplateProcessing" -> template(p, tokens);
            default -> throw unsupported("post_processor", type, p);
        };
    }

    private static PostProcessor template(JsonObject p, Map<String, Integer> tokens) {
        JsonObject specials = p.has("special_tokens") ? p.object("special_tokens") : new JsonObject(Map.of(), p.where("special_tokens"));
        List<Integer> prefix = new ArrayList<>();
        List<Integer> suffix = new ArrayList<>();
        boolean seenSequence = false;
        for (JsonObject item : p.objects("single")) {
            if (item.has("Sequence")) {
                seenSequence = true;
                continue;
            }
            String name = item.object("SpecialToken").string("id");
            List<Integer> ids = new ArrayList<>();
            if (specials.has(name)) {
                for (JsonValue id : specials.object(name).list("ids")) {
                    ids.add(Math.toIntExact((Long) Json.integerOrNull(id)));
                }
            } else if (tokens.containsKey(name)) {
                ids.add(tokens.get(name));
            } else {
                throw new TokenizerFormatException(p.where("single") + ": special token \"" + name + "\" is not defined");
            }
            (seenSequence ? suffix : prefix).addAll(ids);
        }
        return new PostProcessor.Template(prefix.stream().mapToInt(Integer::intValue).toArray(),
                suffix.stream().mapToInt(Integer::intValue).toArray());
    }

    static Decoder decoder(JsonObject d) {
        String type = d.string("type");
        return switch (type) {
            case "Sequence" -> decoderSequence(d.objects("decoders").stream().map(TokenizerJsonReader::decoder).toList());
            case "Replace" -> new Decoder.Replace(literalPattern(d), d.string("content"));
            case "ByteFallback" -> new Decoder.ByteFallback(null);
            case "Fuse" -> new Decoder.Fuse();
            case "Strip" -> new Decoder.Strip(stripChar(d), Math.toIntExact(d.integer("start")), Math.toIntExact(d.integer("stop")));
            case "ByteLevel" -> new Decoder.ByteLevel();
            case "Metaspace" -> new Decoder.Metaspace(replacementChar(d), prependScheme(d) != PreTokenizer.Metaspace.PrependScheme.NEVER);
            default -> throw unsupported("decoder", type, d);
        };
    }

    /** A ByteFallback right after a Replace also applies it to the bytes it decodes (see {@link Decoder.ByteFallback}). */
    private static Decoder decoderSequence(List<Decoder> decoders) {
        List<Decoder> out = new ArrayList<>(decoders);
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i) instanceof Decoder.ByteFallback && out.get(i - 1) instanceof Decoder.Replace r) {
                out.set(i, new Decoder.ByteFallback(r));
            }
        }
        return new Decoder.Sequence(out);
    }

    private static char stripChar(JsonObject d) {
        String c = d.string("content");
        if (c.length() != 1) {
            throw new UnsupportedTokenizerException(d.where("content") + ": Strip content must be one character");
        }
        return c.charAt(0);
    }

    /** Replace's pattern: {"String": "..."} only; regex patterns are refused. */
    private static String literalPattern(JsonObject o) {
        JsonObject pattern = o.object("pattern");
        if (!pattern.has("String")) {
            throw new UnsupportedTokenizerException(o.where("pattern") + ": only {\"String\": ...} patterns are supported in Replace");
        }
        return pattern.string("String");
    }

    private static UnsupportedTokenizerException unsupported(String component, String type, JsonObject where) {
        return new UnsupportedTokenizerException(where.path() + ": " + component + " type \"" + type + "\" is not supported");
    }
}
