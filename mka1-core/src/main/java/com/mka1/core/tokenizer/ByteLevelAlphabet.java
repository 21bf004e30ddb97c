package com.mka1.core.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * GPT-2's byte-to-unicode table: printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') map to
 * themselves, the other 68 bytes to U+0100.. in byte order, so every byte is one visible character
 * (space becomes 'Ġ', newline 'Ċ').
 */
final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x100 + 68];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {}

    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte a table character stands for, or -1 when {@code c} is not in the table. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Maps text to one table character per UTF-8 byte; each keeps its source character's span. */
    static AlignedText encode(AlignedText input) {
        String text = input.text();
        AlignedText.Builder out = new AlignedText.Builder();
        StringBuilder mapped = new StringBuilder(4);
        for (int i = 0; i < text.length(); ) {
            int n = Character.charCount(text.codePointAt(i));
            mapped.setLength(0);
            for (byte b : text.substring(i, i + n).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                mapped.append(BYTE_TO_CHAR[b & 0xFF]);
            }
            out.append(mapped, input.start()[i], input.end()[i + n - 1]);
            i += n;
        }
        return out.build();
    }

    /** Appends the bytes a token stands for; a token with a character outside the table contributes its own UTF-8. */
    static void decodeInto(String token, ByteArrayOutputStream out) {
        byte[] bytes = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                out.writeBytes(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            bytes[i] = (byte) b;
        }
        out.writeBytes(bytes);
    }
}
