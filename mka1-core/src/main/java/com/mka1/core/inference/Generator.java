package com.mka1.core.inference;

import com.mka1.core.inference.constrained.ConstrainedDecoding;
import com.mka1.core.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Generates text: the prompt is prefilled in one batched pass, then tokens are decoded one at a
 * time over the KV cache until a stop token, a stop sequence or the token limit. Text deltas are
 * handed out as soon as they are final (whole UTF-8 characters, never part of a stop sequence).
 * With a {@link GenerationRequest#constraint()} only tokens that keep the output a prefix of a
 * document of its grammar are sampled, and a stop token only once the document is whole; a
 * {@link GenerationRequest#triggered()} grammar takes over the same way once the output begins with its trigger.
 */
public final class Generator {
    private static final char REPLACEMENT = '\uFFFD';

    private final CausalLanguageModel model;
    private final Tokenizer tokenizer;

    public Generator(CausalLanguageModel model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public GenerationResult generate(GenerationRequest request) {
        return generate(request, delta -> {});
    }

    public GenerationResult generate(GenerationRequest request, Consumer<String> deltas) {
        int prompt = request.promptIds().length;
        if (prompt >= model.contextLength()) {
            throw new IllegalArgumentException("the prompt has " + prompt + " tokens; the model's context holds "
                    + model.contextLength());
        }
        int limit = Math.min(request.maxOutputTokens(), model.contextLength() - prompt);
        Sampler sampler = new Sampler(request.sampling(), model.vocabSize());
        for (int id : request.promptIds()) {
            sampler.observe(id);
        }
        int[] out = new int[limit];
        int produced = 0;
        int emitted = 0;
        String text = "";
        FinishReason reason = FinishReason.LENGTH;
        ConstrainedDecoding constrained = request.constraint() == null ? null
                : request.constraint().start(request.stopTokenIds());
        GenerationRequest.Triggered pending = constrained == null ? request.triggered() : null;
        try (DecodeSession session = model.openSession(prompt + limit)) {
            float[] logits = session.append(request.promptIds());
            while (produced < limit) {
                int token = constrained == null ? sampler.sample(logits)
                        : sampleConstrained(sampler, logits, constrained, limit - produced - 1);
                if (token < 0) { // a whole document that nothing may follow, and no stop token to say so
                    reason = FinishReason.STOP;
                    break;
                }
                out[produced++] = token;
                if (contains(request.stopTokenIds(), token)) {
                    reason = FinishReason.STOP;
                    break;
                }
                // decoding the whole output each step keeps multi-byte characters and merged pieces right; outputs are short
                text = tokenizer.decode(Arrays.copyOf(out, produced), true);
                if (pending != null && !text.isEmpty() && text.charAt(text.length() - 1) != REPLACEMENT) { // whole characters
                    if (text.startsWith(pending.trigger()) || pending.trigger().startsWith(text)) {
                        constrained = replayed(pending.constraint().start(request.stopTokenIds()), out, produced);
                    }
                    pending = null; // decided: the output either begins the triggered document or is free
                }
                int stopAt = request.stopSequences().firstMatch(text);
                if (stopAt >= 0) {
                    text = text.substring(0, stopAt);
                    reason = FinishReason.STOP;
                    break;
                }
                int ready = readyLength(text, request.stopSequences());
                if (ready > emitted) {
                    deltas.accept(text.substring(emitted, ready));
                    emitted = ready;
                }
                if (produced < limit) {
                    logits = session.append(new int[] {token});
                }
            }
        }
        if (text.length() > emitted) {
            deltas.accept(text.substring(emitted));
        }
        return new GenerationResult(prompt, Arrays.copyOf(out, produced), text, reason);
    }

    /**
     * Draws among the tokens the grammar allows; when the draw leaves too little room to finish the
     * document in {@code tokensAfter} more tokens (stop token included), draws again among those that
     * do; -1 when no token may come. Together this samples exactly the model's distribution restricted to the tokens that fit,
     * while the cheap cached mask serves almost every step.
     */
    private static int sampleConstrained(Sampler sampler, float[] logits, ConstrainedDecoding constrained, int tokensAfter) {
        long[] allowed = constrained.allowed();
        if (ConstrainedDecoding.isEmpty(allowed)) {
            return -1;
        }
        int token = sampler.draw(logits, allowed);
        if (!constrained.fits(token, tokensAfter)) {
            long[] within = constrained.allowedWithin(tokensAfter);
            if (!ConstrainedDecoding.isEmpty(within)) { // empty: the budget was too small from the start
                token = sampler.draw(logits, within);
            }
        }
        sampler.observe(token);
        constrained.accept(token);
        return token;
    }

    /** {@code decoding} after the first {@code count} tokens of {@code out}, or null when they cannot begin its document. */
    private static ConstrainedDecoding replayed(ConstrainedDecoding decoding, int[] out, int count) {
        for (int i = 0; i < count; i++) {
            if (!ConstrainedDecoding.contains(decoding.allowed(), out[i])) {
                return null;
            }
            decoding.accept(out[i]);
        }
        return decoding;
    }

    /** Text that is final: not a trailing partial UTF-8 character, not a possible stop-sequence start. */
    private static int readyLength(String text, StopSequences stops) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == REPLACEMENT) {
            end--;
        }
        return Math.min(end, stops.safeLength(text));
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
