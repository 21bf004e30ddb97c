package com.mka1.core.data;

/**
 * One thing wrong with a line of a training file.
 *
 * @param line    1-based line number
 * @param message what is wrong, naming the message or field ("message 2: unknown role 'bot'")
 */
public record DataProblem(int line, String message) {
    /** The form used in job errors: "Line 3: message 2: unknown role 'bot'". */
    @Override
    public String toString() {
        return "Line " + line + ": " + message;
    }
}
