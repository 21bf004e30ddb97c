package com.mka1.core.tokenizer;

import com.mka1.api.InvalidRequestException;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.jinja.JinjaException;
import com.mka1.core.jinja.JinjaTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's own chat template (its {@code chat_template} Jinja text), rendered as transformers'
 * {@code apply_chat_template} renders it and tokenized without added special tokens.
 *
 * <p>The loss mask comes from the rendering itself: for each trained assistant turn the
 * conversation is rendered a second time with that turn replaced by a placeholder (no tool calls);
 * the text where the two renderings differ is what the turn contributes, and the turn's end
 * marker (found once by rendering a probe conversation, e.g. {@code <|im_end|>}) that follows it
 * is trained too, so a fine-tuned model learns to end its answers. The special tokens in that
 * marker are the template's end-of-turn stop tokens; a marker with none (text the vocabulary
 * spells in pieces) is a stop sequence instead.
 */
public final class JinjaChatTemplate implements ChatTemplate {
    private static final Logger LOG = LoggerFactory.getLogger(JinjaChatTemplate.class);
    private static final String PROBE = "mka1probe";
    private static final String PLACEHOLDER = "\u0000";

    private final JinjaTemplate template;
    private final BpeTokenizer tokenizer;
    private final Map<String, Object> specialTokens;
    private final JinjaTemplate.Strftime clock;
    private final String endOfTurn;
    private final int[] stopTokenIds;
    private final List<String> stopSequences;
    private final ToolCallSyntax toolCallSyntax;

    /**
     * @param text          the Jinja source
     * @param specialTokens template variables for the tokenizer's special tokens ({@code bos_token}, {@code eos_token}, ...)
     * @param extraStopIds  further ids that end generation (generation_config.json's {@code eos_token_id})
     */
    public JinjaChatTemplate(String text, BpeTokenizer tokenizer, Map<String, String> specialTokens, int[] extraStopIds,
                             JinjaTemplate.Strftime clock) {
        this.template = JinjaTemplate.parse(text);
        this.toolCallSyntax = ToolCallSyntax.detect(text);
        this.tokenizer = tokenizer;
        this.specialTokens = new LinkedHashMap<>(specialTokens);
        this.clock = clock;
        this.endOfTurn = probeEndOfTurn();
        Set<Integer> stops = new LinkedHashSet<>();
        Encoding marker = tokenizer.encodeWithOffsets(endOfTurn, false);
        for (int id : marker.ids()) {
            if (tokenizer.isSpecial(id)) {
                stops.add(id);
            }
        }
        // a marker the vocabulary has no token for (plain text, e.g. "<|end|>" in pieces) stops as text
        this.stopSequences = stops.isEmpty() && !endOfTurn.isBlank() ? List.of(endOfTurn) : List.of();
        if (tokenizer.eosId() >= 0) {
            stops.add(tokenizer.eosId());
        }
        Arrays.stream(extraStopIds).forEach(stops::add);
        this.stopTokenIds = stops.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String name() {
        return "jinja";
    }

    @Override
    public int[] stopTokenIds() {
        return stopTokenIds.clone();
    }

    @Override
    public ToolCallSyntax toolCallSyntax() {
        return toolCallSyntax;
    }

    @Override
    public List<String> stopSequences() {
        return stopSequences;
    }

    /** The text that ends an assistant turn in this template (e.g. {@code <|im_end|>}), "" when none was found. */
    public String endOfTurn() {
        return endOfTurn;
    }

    /** The rendered text, exactly as transformers' {@code apply_chat_template(..., tokenize=False)} gives it. */
    public String renderText(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        try {
            return renderUnchecked(messages, toolsJson, addGenerationPrompt);
        } catch (JinjaException.Raised e) {
            throw new InvalidRequestException("The model's chat template refused the conversation: " + e.getMessage(), "messages",
                    "chat_template_error", e);
        } catch (JinjaException e) {
            throw new InvalidRequestException("The model's chat template failed on the conversation: " + e.getMessage(), "messages",
                    "chat_template_error", e);
        }
    }

    private String renderUnchecked(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", ChatTemplateInput.messages(messages));
        context.put("tools", ChatTemplateInput.tools(toolsJson));
        context.put("documents", null);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.putAll(specialTokens);
        return template.render(context, clock);
    }

    @Override
    public RenderedChat render(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        String text = renderText(messages, toolsJson, addGenerationPrompt);
        boolean[] trainedChars = new boolean[text.length()];
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if ("assistant".equals(m.role()) && m.trainable()) {
                markTurn(text, messages, i, toolsJson, addGenerationPrompt, trainedChars);
            }
        }
        Encoding e = tokenizer.encodeWithOffsets(text, false);
        boolean[] mask = new boolean[e.size()];
        for (int k = 0; k < mask.length; k++) {
            mask[k] = ChatParts.coversTrainable(trainedChars, e.starts()[k], e.ends()[k]);
        }
        return new RenderedChat(e.ids(), mask);
    }

    /** Marks what assistant turn {@code index} adds to {@code text}, and the end-of-turn marker after it. */
    private void markTurn(String text, List<ChatMessage> messages, int index, String toolsJson, boolean agp, boolean[] trained) {
        List<ChatMessage> emptied = new ArrayList<>(messages);
        ChatMessage m = messages.get(index);
        // a placeholder no answer contains, so the diff cannot run into text the turn shares with its surroundings
        emptied.set(index, new ChatMessage(m.role(), PLACEHOLDER, List.of(), m.toolCallId(), m.trainable()));
        String without = renderText(emptied, toolsJson, agp);
        int start = commonPrefix(text, without);
        int end = text.length() - commonSuffix(text, without, start);
        // the marker follows the turn, perhaps after whitespace the diff gave to the shared suffix
        int marker = endOfTurn.isEmpty() ? -1 : text.indexOf(endOfTurn, end);
        if (marker >= 0 && text.substring(end, marker).isBlank()) {
            end = marker + endOfTurn.length();
        }
        Arrays.fill(trained, start, Math.max(start, end), true);
    }

    /**
     * The text after an assistant answer that is there whether or not the conversation goes on
     * (e.g. {@code <|im_end|>}), without trailing whitespace; "" when the probe cannot be rendered.
     */
    private String probeEndOfTurn() {
        List<ChatMessage> last = List.of(ChatMessage.of("user", "Hi"), ChatMessage.of("assistant", PROBE));
        List<ChatMessage> goesOn = List.of(ChatMessage.of("user", "Hi"), ChatMessage.of("assistant", PROBE), ChatMessage.of("user", "Hi"));
        for (String tools : new String[] {null, "[]"}) {
            try {
                String a = renderUnchecked(last, tools, false);
                String b = renderUnchecked(goesOn, tools, false);
                int at = a.lastIndexOf(PROBE);
                int bt = b.lastIndexOf(PROBE);
                if (at < 0 || bt < 0) {
                    break;
                }
                String afterA = a.substring(at + PROBE.length());
                String afterB = b.substring(bt + PROBE.length());
                int common = commonPrefix(afterA, afterB);
                if (common < afterA.length()) {
                    // cut a partial match ("<|end|>\n<|" of "<|endoftext|>" and "<|user|>") back to whole markers
                    while (common > 0 && !isMarkerBoundary(afterA.charAt(common - 1))) {
                        common--;
                    }
                }
                return afterA.substring(0, common).stripTrailing();
            } catch (JinjaException e) {
                LOG.debug("end-of-turn probe failed with tools {}: {}", tools, e.getMessage());
            }
        }
        LOG.warn("could not find the chat template's end-of-turn marker: answers are trained without one");
        return "";
    }

    private static boolean isMarkerBoundary(char c) {
        return Character.isWhitespace(c) || c == '>' || c == ']';
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** The common suffix length, not reaching into the first {@code prefix} characters of either string. */
    private static int commonSuffix(String a, String b, int prefix) {
        int n = Math.min(a.length(), b.length()) - prefix;
        int i = 0;
        while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
            i++;
        }
        return i;
    }
}
