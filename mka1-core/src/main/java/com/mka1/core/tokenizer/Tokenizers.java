package com.mka1.core.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads a model directory's tokenizer (tokenizer.json with tokenizer_config.json). */
public final class Tokenizers {
    private static final Logger LOG = LoggerFactory.getLogger(Tokenizers.class);

    private Tokenizers() {}

    /**
     * Reads {@code modelDir/tokenizer.json} and, when present, {@code tokenizer_config.json}: its
     * {@code bos_token}/{@code eos_token} give {@link Tokenizer#bosId()}/{@link Tokenizer#eosId()},
     * and {@code add_bos_token}/{@code add_eos_token}, when present, decide what
     * {@code encode(text, true)} adds (as Hugging Face's Llama tokenizer does); otherwise the
     * tokenizer.json post-processor does.
     */
    public static BpeTokenizer load(Path modelDir) {
        Path file = modelDir.resolve("tokenizer.json");
        if (!Files.exists(file)) {
            throw new TokenizerFormatException("no tokenizer.json in " + modelDir);
        }
        BpeTokenizer base = TokenizerJsonReader.read(JsonObject.read(file));
        BpeTokenizer tokenizer = withConfig(base, TokenizerConfig.read(modelDir));
        LOG.debug("loaded tokenizer from {}: {} tokens, bos {}, eos {}", modelDir, tokenizer.vocabSize(), tokenizer.bosId(), tokenizer.eosId());
        return tokenizer;
    }

    /** Parses tokenizer.json text (no config: BOS comes from its post-processor, EOS is unknown). */
    public static BpeTokenizer fromJson(String tokenizerJson) {
        return TokenizerJsonReader.read(JsonObject.parse(tokenizerJson, "tokenizer.json"));
    }

    /** Applies tokenizer_config.json's special-token settings to a tokenizer read from tokenizer.json. */
    public static BpeTokenizer withConfig(BpeTokenizer base, TokenizerConfig config) {
        int bos = config.bosToken() == null ? base.bosId() : requireToken(base, config.bosToken(), "bos_token");
        int eos = config.eosToken() == null ? base.eosId() : requireToken(base, config.eosToken(), "eos_token");
        if (config.addBosToken() == null && config.addEosToken() == null) {
            return base.withSpecials(base.postProcessor(), bos, eos);
        }
        boolean addBos = Boolean.TRUE.equals(config.addBosToken());
        boolean addEos = Boolean.TRUE.equals(config.addEosToken());
        if ((addBos && bos < 0) || (addEos && eos < 0)) {
            throw new TokenizerFormatException("tokenizer_config.json: add_bos_token/add_eos_token is true but the token is not defined");
        }
        return base.withSpecials(new PostProcessor.Template(addBos ? new int[] {bos} : new int[0], addEos ? new int[] {eos} : new int[0]), bos, eos);
    }

    private static int requireToken(BpeTokenizer tokenizer, String token, String field) {
        int id = tokenizer.tokenId(token);
        if (id < 0) {
            throw new TokenizerFormatException("tokenizer_config.json: " + field + " \"" + token + "\" is not in the vocabulary");
        }
        return id;
    }
}
