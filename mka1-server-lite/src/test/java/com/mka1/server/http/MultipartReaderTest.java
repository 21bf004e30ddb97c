package com.mka1.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    private static final String BOUNDARY = "----mka1Boundary7MA4YWxkTrZu0gW";

    @Test
    void readsFieldsAndFileInOrder() throws IOException {
        byte[] body = ("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                + "fine-tune\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"train.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n"
                + "{\"messages\":[]}\n{\"messages\":[]}\n\r\n"
                + "--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), BOUNDARY);

        MultipartPart purpose = reader.next();
        assertThat(purpose.name()).isEqualTo("purpose");
        assertThat(purpose.filename()).isNull();
        assertThat(purpose.readText(100)).isEqualTo("fine-tune");

        MultipartPart file = reader.next();
        assertThat(file.name()).isEqualTo("file");
        assertThat(file.filename()).isEqualTo("train.jsonl");
        assertThat(file.contentType()).isEqualTo("application/jsonl");
        assertThat(new String(file.body().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"messages\":[]}\n{\"messages\":[]}\n");

        assertThat(reader.next()).isNull();
        assertThat(reader.next()).isNull();
    }

    @Test
    void streamsLargeBinaryPartsExactlyEvenWhenReadOneByteAtATime() throws IOException {
        byte[] payload = new byte[300_000];
        new Random(7).nextBytes(payload);
        // Plant near-misses of the delimiter that must stay part of the data.
        byte[] nearMiss = ("\r\n--" + BOUNDARY.substring(0, 20)).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(nearMiss, 0, payload, 65_530, nearMiss.length);
        System.arraycopy(nearMiss, 0, payload, payload.length - nearMiss.length, nearMiss.length);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(payload);
        body.writeBytes(("\r\n--" + BOUNDARY + "--").getBytes(StandardCharsets.ISO_8859_1));

        MultipartReader reader = new MultipartReader(trickle(body.toByteArray()), BOUNDARY);
        MultipartPart file = reader.next();
        assertThat(file.body().readAllBytes()).isEqualTo(payload);
        assertThat(reader.next()).isNull();
    }

    @Test
    void skipsUnreadPartsAndKeepsUtf8FileNames() throws IOException {
        byte[] body = ("preamble to ignore\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"ignored\"\r\n\r\nlots of bytes\r\n"
                + "--" + BOUNDARY + "  \r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"données.jsonl\"\r\n\r\nx\r\n"
                + "--" + BOUNDARY + "--\r\nepilogue").getBytes(StandardCharsets.UTF_8);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), BOUNDARY);
        assertThat(reader.next().name()).isEqualTo("ignored");
        MultipartPart file = reader.next();
        assertThat(file.filename()).isEqualTo("données.jsonl");
        assertThat(file.body().readAllBytes()).containsExactly('x');
        assertThat(reader.next()).isNull();
    }

    @Test
    void truncatedBodyIsA400NamingTheProblem() throws IOException {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end")
                .getBytes(StandardCharsets.UTF_8);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), BOUNDARY);
        MultipartPart part = reader.next();
        assertThatThrownBy(() -> part.body().readAllBytes())
                .isInstanceOfSatisfying(HttpProblem.class, p -> {
                    assertThat(p.error().status()).isEqualTo(400);
                    assertThat(p.error().message())
                            .isEqualTo("Malformed multipart/form-data body: the body ended before the closing boundary");
                });
    }

    @Test
    void bodiesEndingInsideABoundaryLineOrHeadersNameWhere() {
        assertThat(firstPartFailure("--" + BOUNDARY + "  "))
                .isEqualTo("Malformed multipart/form-data body: the body ended inside a boundary line");
        assertThat(firstPartFailure("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\""))
                .isEqualTo("Malformed multipart/form-data body: the body ended inside part headers");
    }

    private static String firstPartFailure(String body) {
        MultipartReader reader = new MultipartReader(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), BOUNDARY);
        try {
            reader.next();
        } catch (HttpProblem problem) {
            return problem.error().message();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no failure for " + body);
    }

    @Test
    void partWithoutNameIsRejected() {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + BOUNDARY + "--")
                .getBytes(StandardCharsets.UTF_8);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), BOUNDARY);
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.error().message())
                .isEqualTo("Malformed multipart/form-data body: a part has no Content-Disposition name"));
    }

    @Test
    void boundaryComesFromTheContentTypeAndOtherTypesAre415() {
        assertThat(MultipartReader.boundaryOf("multipart/form-data; charset=utf-8; boundary=\"abc def\""))
                .isEqualTo("abc def");
        assertThat(MultipartReader.boundaryOf("Multipart/Form-Data;boundary=xyz")).isEqualTo("xyz");
        assertThatThrownBy(() -> MultipartReader.boundaryOf("application/json"))
                .isInstanceOfSatisfying(HttpProblem.class, p -> {
                    assertThat(p.error().status()).isEqualTo(415);
                    assertThat(p.error().message())
                            .isEqualTo("Expected Content-Type multipart/form-data, got 'application/json'");
                });
        assertThatThrownBy(() -> MultipartReader.boundaryOf("multipart/form-data"))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.error().status()).isEqualTo(400));
    }

    /** Hands out at most 7 bytes per read, to exercise every buffer edge. */
    private static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
    }
}
