package com.mka1.core.tokenizer;

import com.mka1.api.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What this project reads from tokenizer_config.json (and chat_template.jinja): special token
 * names, whether BOS/EOS are added, and the chat template text. Null fields were absent.
 *
 * @param bosToken     BOS token string, or null
 * @param eosToken     EOS token string, or null
 * @param addBosToken  add_bos_token, or null when absent
 * @param addEosToken  add_eos_token, or null when absent
 * @param chatTemplate the Jinja chat template text, or null
 */
public record TokenizerConfig(String bosToken, String eosToken, Boolean addBosToken, Boolean addEosToken, String chatTemplate) {

    public static final TokenizerConfig EMPTY = new TokenizerConfig(null, null, null, null, null);

    /** Reads a model directory's tokenizer_config.json ({@link #EMPTY} when absent) and chat_template.jinja. */
    public static TokenizerConfig read(Path modelDir) {
        Path file = modelDir.resolve("tokenizer_config.json");
        TokenizerConfig config = Files.exists(file) ? parse(JsonObject.read(file)) : EMPTY;
        Path jinja = modelDir.resolve("chat_template.jinja");
        if (config.chatTemplate == null && Files.exists(jinja)) {
            try {
                return new TokenizerConfig(config.bosToken, config.eosToken, config.addBosToken, config.addEosToken,
                        Files.readString(jinja));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + jinja, e);
            }
        }
        return config;
    }

    static TokenizerConfig parse(JsonObject json) {
        return new TokenizerConfig(tokenName(json, "bos_token"), tokenName(json, "eos_token"),
                json.has("add_bos_token") ? json.optBool("add_bos_token", false) : null,
                json.has("add_eos_token") ? json.optBool("add_eos_token", false) : null,
                chatTemplate(json));
    }

    /** A special token is a string or an added-token object {"content": ...}. */
    private static String tokenName(JsonObject json, String key) {
        JsonValue value = json.raw(key);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonValue.Str(String s)) {
            return s;
        }
        return json.object(key).string("content");
    }

    /** A string, or a list of {"name", "template"} where "default" wins, else the first. */
    private static String chatTemplate(JsonObject json) {
        JsonValue value = json.raw("chat_template");
        if (value == null) {
            return null;
        }
        if (value instanceof JsonValue.Str(String s)) {
            return s;
        }
        List<JsonObject> named = json.objects("chat_template");
        return named.stream()
                .filter(t -> "default".equals(t.optString("name", null)))
                .findFirst()
                .or(() -> named.stream().findFirst())
                .map(t -> t.string("template"))
                .orElse(null);
    }
}
