package com.mka1.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Streams a multipart/form-data body (RFC 7578) part by part through a fixed buffer, so a part's
 * bytes can be copied to disk without ever being held whole in memory.
 */
public final class MultipartReader {
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_PARTS = 64;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int end;
    private boolean eof;
    private PartStream current;
    private boolean finished;
    private int parts;

    public MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first boundary has no CRLF before it; pretend it had one so every delimiter looks the same.
        buf[0] = '\r';
        buf[1] = '\n';
        end = 2;
        current = new PartStream();
    }

    /** The boundary parameter of a multipart/form-data Content-Type; 415 for any other type. */
    public static String boundaryOf(String contentType) {
        if (contentType == null || !ContentTypes.mediaType(contentType).equals("multipart/form-data")) {
            throw new HttpProblem(ApiError.unsupportedMediaType("Expected Content-Type multipart/form-data, got "
                    + (contentType == null ? "none" : "'" + contentType + "'")));
        }
        String boundary = ContentTypes.parameter(contentType, "boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw malformed("the multipart/form-data Content-Type has no usable boundary parameter");
        }
        return boundary;
    }

    /** The next part, or null after the closing boundary. Unread bytes of the previous part are skipped. */
    public MultipartPart next() throws IOException {
        if (finished) {
            return null;
        }
        current.skipRest();
        fill(2);
        if (end - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        skipLineEnd();
        if (++parts > MAX_PARTS) {
            throw malformed("more than " + MAX_PARTS + " parts");
        }
        String name = null;
        String filename = null;
        String contentType = null;
        int headerBytes = 0;
        for (String line = readHeaderLine(); !line.isEmpty(); line = readHeaderLine()) {
            headerBytes += line.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw malformed("part headers longer than " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw malformed("bad part header line '" + line + "'");
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) {
                name = ContentTypes.parameter(value, "name");
                filename = ContentTypes.parameter(value, "filename");
            } else if (header.equals("content-type")) {
                contentType = value;
            }
        }
        if (name == null) {
            throw malformed("a part has no Content-Disposition name");
        }
        current = new PartStream();
        return new MultipartPart(name, filename, contentType, current);
    }

    private void skipLineEnd() throws IOException {
        // Transport padding (spaces, tabs) may follow a boundary before its CRLF.
        while (true) {
            byte b = nextByte("a boundary line");
            if (b == '\n') {
                return;
            }
            if (b != '\r' && b != ' ' && b != '\t') {
                throw malformed("unexpected bytes after a boundary");
            }
        }
    }

    private String readHeaderLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            byte b = nextByte("part headers");
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            if (line.length() > MAX_HEADER_BYTES) {
                throw malformed("a part header line is longer than " + MAX_HEADER_BYTES + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    /** The next byte of a line; the body may not end inside {@code where}. */
    private byte nextByte(String where) throws IOException {
        fill(1);
        if (pos >= end) {
            throw malformed("the body ended inside " + where);
        }
        return buf[pos++];
    }

    /** Makes at least {@code wanted} bytes available after pos, unless the input ends first. */
    private void fill(int wanted) throws IOException {
        if (end - pos >= wanted || eof) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        while (end - pos < wanted && !eof) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    private int indexOfDelimiter() {
        int last = end - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != delimiter[0]) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static HttpProblem malformed(String what) {
        return new HttpProblem(ApiError.badRequest("Malformed multipart/form-data body: " + what, null,
                "invalid_multipart"));
    }

    /** A part's bytes: everything up to the next delimiter, which it consumes at the end. */
    private final class PartStream extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                fill(delimiter.length);
                int at = indexOfDelimiter();
                int available;
                if (at == pos) {
                    pos += delimiter.length;
                    done = true;
                    return -1;
                } else if (at > pos) {
                    available = at - pos;
                } else {
                    // A delimiter may start in the last delimiter.length - 1 bytes: keep those back.
                    available = end - pos - (delimiter.length - 1);
                    if (available <= 0) {
                        if (eof) {
                            throw malformed("the body ended before the closing boundary");
                        }
                        fill(end - pos + 1);
                        continue;
                    }
                }
                int n = Math.min(len, available);
                System.arraycopy(buf, pos, target, off, n);
                pos += n;
                return n;
            }
        }

        void skipRest() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // discard
            }
        }
    }
}
