package com.mka1.core.files;

import com.mka1.api.Caller;
import com.mka1.api.ConflictException;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.NotFoundException;
import com.mka1.api.Page;
import com.mka1.api.PayloadTooLargeException;
import com.mka1.api.ServerException;
import com.mka1.api.SortOrder;
import com.mka1.api.files.FileDeleted;
import com.mka1.api.files.FileListParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileStatus;
import com.mka1.api.files.FileUpload;
import com.mka1.core.storage.Ids;
import com.mka1.core.storage.blob.FileBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileStoreTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

    private FileStore open() throws IOException {
        return FileStore.open(dir, 1000, clock);
    }

    private static FileUpload upload(String name, FilePurpose purpose, String content) {
        return new FileUpload(name, purpose, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void uploadKeepsBytesUnderTheIdAndTheNameAsMetadataOnly() throws IOException {
        FileStore store = open();
        FileObject f = store.upload(upload("../../etc/passwd", FilePurpose.FINE_TUNE, "hello"), Caller.NONE);
        assertThat(Ids.isWellFormed(f.id(), "file")).isTrue();
        assertThat(f).isEqualTo(new FileObject(f.id(), 5, 1_700_000_000, null, "../../etc/passwd", FilePurpose.FINE_TUNE,
                FileStatus.PROCESSED, null));
        try (InputStream in = store.content(f.id(), Caller.NONE)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(f.id() + ".json", f.id() + ".content");
        }
    }

    @Test
    void oversizedUploadIsRefusedAndLeavesNothing() throws IOException {
        FileStore store = open();
        InputStream endless = new InputStream() { // never ends: the store must stop reading at the limit
            @Override
            public int read() {
                return 'x';
            }
        };
        assertThatThrownBy(() -> store.upload(new FileUpload("big.jsonl", FilePurpose.FINE_TUNE, endless), Caller.NONE))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(413);
                    assertThat(e.getMessage()).isEqualTo("File exceeds the upload limit of 1000 bytes.");
                });
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        assertThat(store.upload(upload("ok", FilePurpose.FINE_TUNE, "x".repeat(1000)), Caller.NONE).bytes()).isEqualTo(1000);
    }

    @Test
    void resultPurposeAndBlankNamesCannotBeUploaded() throws IOException {
        FileStore store = open();
        assertThatThrownBy(() -> store.upload(upload("r.csv", FilePurpose.FINE_TUNE_RESULTS, "x"), Caller.NONE))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Files with purpose 'fine-tune-results' are written by jobs and cannot be uploaded.");
        assertThatThrownBy(() -> store.upload(upload(" ", FilePurpose.FINE_TUNE, "x"), Caller.NONE))
                .isInstanceOf(InvalidRequestException.class).hasMessage("The uploaded file has no filename.");
    }

    @Test
    void listFiltersOrdersAndPages() throws IOException {
        FileStore store = open();
        FileObject a = store.upload(upload("a", FilePurpose.FINE_TUNE, "1"), Caller.NONE);
        FileObject b = store.upload(upload("b", FilePurpose.BATCH, "2"), Caller.NONE);
        FileObject c = store.upload(upload("c", FilePurpose.FINE_TUNE, "3"), Caller.NONE);
        assertThat(store.list(FileListParams.ALL, Caller.NONE).data()).containsExactly(c, b, a);
        assertThat(store.list(new FileListParams(null, null, null, SortOrder.ASC), Caller.NONE).data()).containsExactly(a, b, c);
        assertThat(store.list(new FileListParams(FilePurpose.FINE_TUNE, null, null, null), Caller.NONE).data()).containsExactly(c, a);
        Page<FileObject> first = store.list(new FileListParams(null, 2, null, null), Caller.NONE);
        assertThat(first).isEqualTo(new Page<>(java.util.List.of(c, b), true, c.id(), b.id()));
        Page<FileObject> second = store.list(new FileListParams(null, 2, first.lastId(), null), Caller.NONE);
        assertThat(second).isEqualTo(new Page<>(java.util.List.of(a), false, a.id(), a.id()));
        assertThat(store.list(new FileListParams(null, 2, a.id(), null), Caller.NONE))
                .isEqualTo(new Page<>(java.util.List.of(), false, null, null));
        assertThat(store.list(new FileListParams(null, 10_000, null, null), Caller.NONE).data()).hasSize(3);
        assertThatThrownBy(() -> store.list(new FileListParams(null, 0, null, null), Caller.NONE))
                .hasMessage("Invalid 'limit': 0 (must be between 1 and 10000).");
        assertThatThrownBy(() -> store.list(new FileListParams(null, 10_001, null, null), Caller.NONE))
                .hasMessage("Invalid 'limit': 10001 (must be between 1 and 10000).");
        assertThatThrownBy(() -> store.list(new FileListParams(null, null, "file_nope", null), Caller.NONE))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("after"))
                .hasMessage("Invalid 'after': no object with id 'file_nope' in this list.");
    }

    @Test
    void endUsersSeeTheirOwnAndSharedFilesAndTheKeyHolderSeesAll() throws IOException {
        FileStore store = open();
        Caller alice = Caller.onBehalfOf("alice");
        Caller bob = Caller.onBehalfOf("bob");
        FileObject mine = store.upload(upload("a", FilePurpose.FINE_TUNE, "1"), alice);
        FileObject anon = store.upload(upload("n", FilePurpose.FINE_TUNE, "2"), Caller.NONE);
        assertThat(store.list(FileListParams.ALL, alice).data()).containsExactly(anon, mine);
        assertThat(store.list(FileListParams.ALL, Caller.NONE).data()).containsExactly(anon, mine);
        assertThat(store.list(FileListParams.ALL, bob).data()).containsExactly(anon);
        assertThatThrownBy(() -> store.retrieve(mine.id(), bob))
                .isInstanceOf(NotFoundException.class).hasMessage("No such File object: " + mine.id());
        assertThatThrownBy(() -> store.content(mine.id(), bob)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.delete(mine.id(), bob, FileUsage.NONE)).isInstanceOf(NotFoundException.class);
        assertThat(store.retrieve(anon.id(), bob)).isEqualTo(anon);
        try (InputStream in = store.content(mine.id(), Caller.NONE)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("1");
        }
        assertThat(store.retrieve(mine.id(), alice)).isEqualTo(mine);
    }

    @Test
    void deleteIsRefusedWhileInUseAndIsDurable() throws IOException {
        FileStore store = open();
        FileObject f = store.upload(upload("a", FilePurpose.FINE_TUNE, "1"), Caller.NONE);
        assertThatThrownBy(() -> store.delete(f.id(), Caller.NONE, id -> Optional.of("job ftjob_x (running)")))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.httpStatus()).isEqualTo(409))
                .hasMessage("File " + f.id() + " is in use by job ftjob_x (running); cancel the job or wait for it to finish.");
        assertThat(store.delete(f.id(), Caller.NONE, FileUsage.NONE)).isEqualTo(new FileDeleted(f.id(), true));
        assertThatThrownBy(() -> store.retrieve(f.id(), Caller.NONE)).isInstanceOf(NotFoundException.class);
        assertThat(open().find(f.id())).isNull();
    }

    @Test
    void reopenReloadsCommittedFilesAndDropsUncommittedContent() throws IOException {
        FileStore store = open();
        FileObject a = store.upload(upload("a", FilePurpose.FINE_TUNE, "1"), Caller.onBehalfOf("u"));
        Files.writeString(dir.resolve("file_" + "0".repeat(32) + ".content"), "crashed upload");
        Files.writeString(dir.resolve(".x.json123.tmp"), "torn");
        FileStore reopened = open();
        assertThat(reopened.retrieve(a.id(), Caller.onBehalfOf("u"))).isEqualTo(a);
        FileObject b = reopened.upload(upload("b", FilePurpose.FINE_TUNE, "2"), Caller.onBehalfOf("u"));
        assertThat(reopened.list(FileListParams.ALL, Caller.onBehalfOf("u")).data()).containsExactly(b, a);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(4);
        }
    }

    @Test
    void anUnreadableRecordIsQuarantinedWithItsContentAndTheStoreOpens() throws IOException {
        FileStore store = open();
        FileObject good = store.upload(upload("good", FilePurpose.FINE_TUNE, "1"), Caller.NONE);
        FileObject bad = store.upload(upload("bad", FilePurpose.FINE_TUNE, "2"), Caller.NONE);
        Files.writeString(dir.resolve(bad.id() + ".json"), "{\"file\": 1e1000}");

        FileStore reopened = open();
        assertThat(reopened.list(FileListParams.ALL, Caller.NONE).data()).containsExactly(good);
        try (Stream<Path> aside = Files.list(dir.resolve(FileStore.QUARANTINE))) {
            assertThat(aside.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(bad.id() + ".json", bad.id() + ".content");
        }
    }

    @Test
    void aFileDeletedThroughAnotherServerIsGoneByIdHereAtOnce() throws IOException {
        FileBlobStore shared = new FileBlobStore(dir.resolve("blobs"));
        FileStore a = FileStore.open(dir.resolve("a"), 1000, clock, shared);
        FileStore b = FileStore.open(dir.resolve("b"), 1000, clock, shared);
        FileObject f = a.upload(upload("train.jsonl", FilePurpose.FINE_TUNE, "hello"), Caller.NONE);
        try (InputStream in = b.content(f.id(), Caller.NONE)) { // b caches the record and the content
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        assertThat(dir.resolve("b/" + f.id() + ".content")).hasContent("hello");

        assertThat(a.delete(f.id(), Caller.NONE, FileUsage.NONE)).isEqualTo(new FileDeleted(f.id(), true));
        assertThat(b.find(f.id())).isNull();
        assertThatThrownBy(() -> b.retrieve(f.id(), Caller.NONE)).isInstanceOf(NotFoundException.class)
                .hasMessage("No such File object: " + f.id());
        assertThat(dir.resolve("b/" + f.id() + ".content")).doesNotExist();
        assertThat(shared.list("files/")).isEmpty();
    }

    /**
     * A file another server stored whose bytes the shared store cannot give (a bucket unreachable,
     * here the object gone) is a server error naming the file, the store and the cause, with the
     * I/O failure as its cause (a job worker leaves the job to be claimed again on it).
     */
    @Test
    void contentTheSharedStoreCannotGiveIsAServerErrorNamingTheStore() throws IOException {
        FileBlobStore shared = new FileBlobStore(dir.resolve("shared"));
        FileObject f = FileStore.open(dir.resolve("a"), 1000, clock, shared)
                .upload(upload("train.jsonl", FilePurpose.FINE_TUNE, "hello"), Caller.NONE);
        FileStore other = FileStore.open(dir.resolve("b"), 1000, clock, shared);
        assertThat(other.retrieve(f.id(), Caller.NONE)).isEqualTo(f);
        shared.delete("files/" + f.id() + ".content");

        assertThatThrownBy(() -> other.content(f.id(), Caller.NONE)).isInstanceOf(ServerException.class)
                .hasMessageStartingWith("Could not fetch " + f.id() + " from the shared store: ")
                .hasCauseInstanceOf(IOException.class);
        assertThat(dir.resolve("b").resolve(f.id() + ".content")).doesNotExist();
    }

    /**
     * An upload the shared store refuses (a bucket unreachable; here its directory replaced by a
     * file) fails naming the upload and the cause, and keeps nothing.
     */
    @Test
    void anUploadTheSharedStoreRefusesFailsNamingTheUploadAndKeepsNothing() throws IOException {
        Path sharedDir = Files.createDirectories(dir.resolve("shared"));
        FileStore store = FileStore.open(dir.resolve("a"), 1000, clock, new FileBlobStore(sharedDir));
        Files.delete(sharedDir);
        Files.writeString(sharedDir, "not a directory");

        assertThatThrownBy(() -> store.upload(upload("train.jsonl", FilePurpose.FINE_TUNE, "hello"), Caller.NONE))
                .isInstanceOf(ServerException.class).hasMessageStartingWith("Could not store upload train.jsonl: ")
                .hasCauseInstanceOf(IOException.class);
        try (Stream<Path> files = Files.list(dir.resolve("a"))) {
            assertThat(files).isEmpty();
        }
    }
}
