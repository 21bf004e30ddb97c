package com.mka1.core.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every (template, conversation, add_generation_prompt, extra context) case of
 * ../shared/chat-templates/expected.json, rendered by transformers 5.17 with jinja2 3.1.6:
 * the same text byte for byte, or the same failure (raise_exception with its exact message).
 */
class ChatTemplateFixturesTest {
    private static final Path DIR = SharedDir.resolve("chat-templates");

    @TestFactory
    Stream<DynamicTest> everyRecordedCaseRendersExactly() throws IOException {
        Map<String, Object> conversations = new HashMap<>();
        for (Object c : list(map(PyJson.parse(Files.readString(DIR.resolve("conversations.json")))).get("conversations"))) {
            conversations.put((String) map(c).get("id"), map(c).get("messages"));
        }
        Map<String, JinjaTemplate> templates = new HashMap<>();
        List<Object> cases = list(map(PyJson.parse(Files.readString(DIR.resolve("expected.json")))).get("cases"));
        assertThat(cases).hasSize(414);
        return cases.stream().map(c -> {
            Map<?, ?> kase = map(c);
            String name = kase.get("template") + " / " + kase.get("conversation_id") + " / agp=" + kase.get("add_generation_prompt")
                    + " " + kase.get("extra_context");
            return DynamicTest.dynamicTest(name, () -> {
                JinjaTemplate template = templates.computeIfAbsent((String) kase.get("template"), t -> parse(DIR.resolve(t + ".jinja")));
                Map<String, Object> context = context(kase, conversations.get((String) kase.get("conversation_id")));
                if (kase.get("error") == null) {
                    assertThat(template.render(context, this::noClock)).isEqualTo(kase.get("rendered"));
                } else {
                    Map<?, ?> error = map(kase.get("error"));
                    if (error.get("kind").equals("raise_exception")) {
                        assertThatThrownBy(() -> template.render(context, this::noClock))
                                .isInstanceOf(JinjaException.Raised.class).hasMessage((String) error.get("message"));
                    } else {
                        assertThatThrownBy(() -> template.render(context, this::noClock)).isInstanceOf(JinjaException.Runtime.class);
                    }
                }
            });
        });
    }

    @Test
    void coversEveryTemplateFile() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.filter(p -> p.toString().endsWith(".jinja")).count()).isEqualTo(13);
        }
    }

    private String noClock(String format) {
        throw new AssertionError("no fixture case calls strftime_now");
    }

    private static JinjaTemplate parse(Path file) {
        try {
            return JinjaTemplate.parse(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The variables transformers passes: messages, tools (always defined), documents, add_generation_prompt, bos/eos when set, extras. */
    private static Map<String, Object> context(Map<?, ?> kase, Object messages) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", messages);
        context.put("tools", kase.get("tools"));
        context.put("documents", null);
        context.put("add_generation_prompt", kase.get("add_generation_prompt"));
        for (String token : List.of("bos_token", "eos_token")) {
            if (kase.get(token) != null) {
                context.put(token, kase.get(token));
            }
        }
        map(kase.get("extra_context")).forEach((k, v) -> context.put((String) k, v));
        return context;
    }

    private static Map<?, ?> map(Object o) {
        return (Map<?, ?>) o;
    }

    private static List<Object> list(Object o) {
        return new ArrayList<>((List<?>) o);
    }
}
