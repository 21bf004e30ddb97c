package com.mka1.core.data;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.json.MalformedJsonException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL file of examples one line at a time (blank lines are skipped). The trainer uses
 * {@link #readChat} / {@link #readPreference}; the validator uses {@link #forEach} to collect
 * every problem instead of stopping at the first.
 */
public final class JsonlExamples {
    private JsonlExamples() {}

    /** Receives each non-blank line, parsed, with its 1-based number. */
    @FunctionalInterface
    public interface LineHandler {
        void line(JsonValue json, int lineNumber) throws InvalidExampleException;
    }

    /** Receives each problem; answer false to stop reading. */
    @FunctionalInterface
    public interface ProblemHandler {
        boolean problem(DataProblem problem);
    }

    /** Calls {@code handler} for every line; invalid UTF-8, invalid JSON and handler failures go to {@code problems}. */
    public static void forEach(Path file, LineHandler handler, ProblemHandler problems) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
            int lineNumber = 0;
            boolean more = true;
            while (more) {
                buf.reset();
                int b;
                while ((b = in.read()) != -1 && b != '\n') buf.write(b);
                more = b != -1;
                if (!more && buf.size() == 0) return;
                lineNumber++;
                String line;
                try {
                    line = decoder.decode(ByteBuffer.wrap(buf.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    if (!problems.problem(new DataProblem(lineNumber, "not valid UTF-8"))) return;
                    continue;
                }
                if (lineNumber == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                if (line.isBlank()) continue;
                DataProblem problem = null;
                try {
                    handler.line(Json.parse(line), lineNumber);
                } catch (MalformedJsonException e) {
                    problem = new DataProblem(lineNumber, "invalid JSON (" + e.getMessage() + ")");
                } catch (InvalidExampleException e) {
                    problem = e.problem();
                }
                if (problem != null && !problems.problem(problem)) return;
            }
        }
    }

    /** Every chat example of a file; the first problem ends the read. */
    public static List<ChatExample> readChat(Path file) throws IOException, InvalidExampleException {
        List<ChatExample> out = new ArrayList<>();
        read(file, (json, line) -> out.add(ExampleParser.chat(json, line)));
        return out;
    }

    /** Every preference example of a file; the first problem ends the read. */
    public static List<PreferenceExample> readPreference(Path file) throws IOException, InvalidExampleException {
        List<PreferenceExample> out = new ArrayList<>();
        read(file, (json, line) -> out.add(ExampleParser.preference(json, line)));
        return out;
    }

    private static void read(Path file, LineHandler handler) throws IOException, InvalidExampleException {
        DataProblem[] first = new DataProblem[1];
        forEach(file, handler, p -> {
            first[0] = p;
            return false;
        });
        if (first[0] != null) throw new InvalidExampleException(first[0]);
    }
}
