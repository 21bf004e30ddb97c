package com.mka1.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small, valid chat-format training files. */
public final class TrainingData {
    private TrainingData() {}

    /** {@code examples} lines of the supervised chat format, as the guide's support-bot data. */
    public static String chatJsonl(int examples) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < examples; i++) {
            jsonl.append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are a support agent.\"},")
                    .append("{\"role\":\"user\",\"content\":\"Where is order ").append(1000 + i).append("?\"},")
                    .append("{\"role\":\"assistant\",\"content\":\"Order ").append(1000 + i)
                    .append(" ships tomorrow. Sorry for the delay!\"}]}\n");
        }
        return jsonl.toString();
    }

    /** {@code examples} very short chat lines ("Hi 3" / "Hello 3!"): a few dozen tokens each, quick to train on. */
    public static String shortChatJsonl(int examples) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < examples; i++) {
            jsonl.append("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi ").append(i)
                    .append("\"},{\"role\":\"assistant\",\"content\":\"Hello ").append(i).append("!\"}]}\n");
        }
        return jsonl.toString();
    }

    public static Path writeChatFile(Path dir, String name, int examples) {
        try {
            return Files.writeString(dir.resolve(name), chatJsonl(examples));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
