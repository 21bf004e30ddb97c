package com.mka1.core.contract;

import com.mka1.core.storage.blob.BlobStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link BlobStore} guarantees: run against the directory here and S3 in {@code mka1-store-s3}. */
public abstract class BlobStoreContract {
    /** An empty store. */
    protected abstract BlobStore newStore() throws IOException;

    /** A second handle on the same objects (another server). */
    protected abstract BlobStore reopen() throws IOException;

    /** Bytes of a large object, generated as they are read (never whole in memory). */
    protected static InputStream generated(long size, long seed) {
        Random random = new Random(seed);
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                if (left == 0) return -1;
                left--;
                return random.nextInt(256);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) b[off + i] = (byte) random.nextInt(256);
                left -= n;
                return n;
            }
        };
    }

    protected static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(BlobStore store, String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    public void putGetReplaceListAndDeleteAcrossHandles() throws IOException {
        BlobStore store = newStore();
        store.put("files/file-a", text("first"));
        store.put("files/file-b", text("{\"x\":1}\n"));
        store.put("jobs/ftjob_1/state/step-000004.bin", text("state"));
        store.put("files/file-a", text("second"));

        BlobStore other = reopen();
        assertThat(read(other, "files/file-a")).isEqualTo("second");
        assertThat(read(other, "files/file-b")).isEqualTo("{\"x\":1}\n");
        assertThat(other.exists("files/file-b")).isTrue();
        assertThat(other.exists("files/file-c")).isFalse();
        assertThat(other.list("files/")).containsExactly("files/file-a", "files/file-b");
        assertThat(other.list("jobs/ftjob_1/")).containsExactly("jobs/ftjob_1/state/step-000004.bin");

        other.delete("files/file-a");
        other.delete("files/never-there");
        assertThat(store.exists("files/file-a")).isFalse();
        assertThat(store.list("files/")).containsExactly("files/file-b");
        assertThatThrownBy(() -> store.get("files/file-a")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    public void aLargeObjectStreamsThroughIntact() throws IOException {
        long size = 16L * 1024 * 1024 + 12_345; // three S3 multipart parts of 8 MiB
        String expected = sha256(generated(size, 42));
        BlobStore store = newStore();
        store.put("adapters/ft-model/adapter_model.safetensors", generated(size, 42));
        assertThat(sha256(reopen().get("adapters/ft-model/adapter_model.safetensors"))).isEqualTo(expected);
    }

    @Test
    public void anEmptyObjectAndBadKeys() throws IOException {
        BlobStore store = newStore();
        store.put("empty", InputStream.nullInputStream());
        assertThat(read(store, "empty")).isEmpty();
        for (String bad : new String[] {"", "/abs", "a//b", "../up", "a/./b", "sp ace", "a/"}) {
            assertThatThrownBy(() -> store.put(bad, text("x"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a blob key: " + bad);
        }
    }
}
