package com.mka1.core.jinja;

import com.mka1.core.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits template text into tokens the way Jinja's lexer does with {@code trim_blocks} and
 * {@code lstrip_blocks} on (transformers' settings): <code>{%- -%}</code> and <code>{{- -}}</code>
 * strip all whitespace on that side, <code>{%+</code> keeps it, a block or comment tag alone on its
 * line takes that line's indentation with it, and the first newline after a block or comment tag
 * is dropped.
 */
final class Lexer {
    private static final String[] OPERATORS = {"//", "**", "==", "!=", "<=", ">=",
        "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "="};

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source.replace("\r\n", "\n"));
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                text(src.substring(pos));
                pos = src.length();
                break;
            }
            char kind = src.charAt(tag + 1);
            char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : ' ';
            String text = src.substring(pos, tag);
            if (sign == '-') {
                text = Strings.rstrip(text, null);
            } else if (sign != '+' && kind != '{') {
                int lineStart = text.lastIndexOf('\n') + 1;
                boolean atLineStart = lineStart > 0 || pos == 0 || src.charAt(pos - 1) == '\n';
                if (atLineStart && lineStart < text.length() && Strings.isBlank(text.substring(lineStart))) {
                    text = text.substring(0, lineStart);
                }
            }
            text(text);
            line += count(src, pos, tag);
            pos = tag + 2 + (sign == '-' || sign == '+' ? 1 : 0);
            switch (kind) {
                case '#' -> comment();
                case '{' -> tag(Kind.VAR_BEGIN, Kind.VAR_END, "}}");
                default -> tag(Kind.BLOCK_BEGIN, Kind.BLOCK_END, "%}");
            }
        }
        tokens.add(new Token(Kind.EOF, "", line));
    }

    private int nextTagStart(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    private void text(String text) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Kind.TEXT, text, line));
        }
    }

    private void comment() {
        int end = src.indexOf("#}", pos);
        if (end < 0) {
            throw new JinjaException.Syntax("unclosed comment", line);
        }
        line += count(src, pos, end);
        afterTagEnd(end > pos && src.charAt(end - 1) == '-', end + 2, true);
    }

    /** After a closing delimiter: {@code -} strips all following whitespace, trim_blocks one newline. */
    private void afterTagEnd(boolean strip, int after, boolean trimNewline) {
        pos = after;
        if (strip) {
            while (pos < src.length() && Strings.isSpace(src.charAt(pos))) {
                line += src.charAt(pos) == '\n' ? 1 : 0;
                pos++;
            }
        } else if (trimNewline && pos < src.length() && src.charAt(pos) == '\n') {
            pos++;
            line++;
        }
    }

    private void tag(Kind begin, Kind endKind, String end) {
        tokens.add(new Token(begin, "", line));
        int braces = 0;
        while (true) {
            skipSpaces();
            if (pos >= src.length()) {
                throw new JinjaException.Syntax("unclosed tag", line);
            }
            if (braces == 0) {
                boolean minus = src.startsWith("-" + end, pos);
                boolean plus = src.startsWith("+" + end, pos);
                if (minus || plus || src.startsWith(end, pos)) {
                    tokens.add(new Token(endKind, "", line));
                    afterTagEnd(minus, pos + end.length() + (minus || plus ? 1 : 0), endKind == Kind.BLOCK_END && !plus);
                    return;
                }
            }
            char c = src.charAt(pos);
            if (c == '\'' || c == '"') {
                string(c);
            } else if (Character.isDigit(c)) {
                number();
            } else if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                    pos++;
                }
                tokens.add(new Token(Kind.NAME, src.substring(start, pos), line));
            } else {
                String op = operator();
                braces += op.equals("{") ? 1 : op.equals("}") ? -1 : 0;
                tokens.add(new Token(Kind.OP, op, line));
            }
        }
    }

    private void skipSpaces() {
        while (pos < src.length() && Strings.isSpace(src.charAt(pos))) {
            line += src.charAt(pos) == '\n' ? 1 : 0;
            pos++;
        }
    }

    private String operator() {
        for (String op : OPERATORS) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        throw new JinjaException.Syntax("unexpected character '" + src.charAt(pos) + "'", line);
    }

    private void number() {
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        boolean isFloat = false;
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        String text = src.substring(start, pos).replace("_", "");
        tokens.add(new Token(isFloat ? Kind.FLOAT : Kind.INT, text, line));
    }

    /** A quoted literal, unescaped as Python's unicode-escape codec does (Jinja's rule). */
    private void string(char quote) {
        int startLine = line;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= src.length()) {
                throw new JinjaException.Syntax("unclosed string literal", startLine);
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                break;
            }
            if (c == '\n') {
                line++;
            }
            if (c != '\\' || pos >= src.length()) {
                sb.append(c);
                continue;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'a' -> sb.append('\u0007');
                case '0' -> sb.append('\0');
                case '\\', '\'', '"' -> sb.append(e);
                case '\n' -> line++;
                case 'x' -> sb.appendCodePoint(hex(2));
                case 'u' -> sb.appendCodePoint(hex(4));
                case 'U' -> sb.appendCodePoint(hex(8));
                default -> sb.append('\\').append(e);
            }
        }
        tokens.add(new Token(Kind.STRING, sb.toString(), startLine));
    }

    private int hex(int digits) {
        if (pos + digits > src.length()) {
            throw new JinjaException.Syntax("truncated escape in string literal", line);
        }
        try {
            int value = Integer.parseInt(src.substring(pos, pos + digits), 16);
            pos += digits;
            return value;
        } catch (NumberFormatException e) {
            throw new JinjaException.Syntax("bad escape in string literal", line);
        }
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += s.charAt(i) == '\n' ? 1 : 0;
        }
        return n;
    }
}
