package com.mka1.server.api;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.facade.Mka1;
import com.mka1.api.SortOrder;
import com.mka1.api.files.FileListParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileService;
import com.mka1.api.files.FileUpload;
import com.mka1.core.json.DeletedCodec;
import com.mka1.core.json.FileObjectCodec;
import com.mka1.core.json.Json;
import com.mka1.core.json.PageCodec;
import com.mka1.server.http.Access;
import com.mka1.server.http.ApiExchange;
import com.mka1.server.http.MultipartPart;
import com.mka1.server.http.MultipartReader;
import com.mka1.server.http.QueryParams;
import com.mka1.server.http.Router;
import com.mka1.server.http.UploadLimitStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /files}: upload (multipart/form-data with {@code file} and {@code purpose}), list,
 * retrieve, delete, content. An upload whose {@code purpose} comes before {@code file} streams
 * straight into the store; otherwise the file part is spooled to disk first. Never whole in memory.
 */
final class FilesEndpoints {
    private static final Logger log = LoggerFactory.getLogger(FilesEndpoints.class);
    static final String SPOOL_PREFIX = "upload-";
    static final String SPOOL_SUFFIX = ".part";
    private static final PageCodec<FileObject> PAGE = PageCodec.withStringIds(FileObjectCodec.INSTANCE);
    private static final List<String> ORDERS = Stream.of(SortOrder.values()).map(SortOrder::wireName).toList();

    private final Mka1 mka1;
    private final Path spoolDir;

    FilesEndpoints(Mka1 mka1, Path spoolDir) {
        this.mka1 = mka1;
        this.spoolDir = spoolDir;
        removeLeftovers(spoolDir);
    }

    /** Parts spooled by uploads that a crash interrupted: nothing refers to them any more. */
    private static void removeLeftovers(Path spoolDir) {
        if (!Files.isDirectory(spoolDir)) return;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(spoolDir, SPOOL_PREFIX + "*" + SPOOL_SUFFIX)) {
            for (Path p : parts) {
                log.info("removing {}: spooled by an upload that never finished", p);
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("could not clean the upload spool {}: {}", spoolDir, e.toString());
        }
    }

    void mount(Router router) {
        router.post("/files", Access.ANY_KEY, this::upload)
                .get("/files", Access.ANY_KEY, this::list)
                .get("/files/{file_id}", Access.ANY_KEY, ex -> ex.sendJson(200,
                        Json.writeBytes(FileObjectCodec.INSTANCE, files(ex).retrieve(ex.pathParam("file_id")))))
                .delete("/files/{file_id}", Access.ANY_KEY, ex -> ex.sendJson(200,
                        Json.writeBytes(DeletedCodec.FILE, files(ex).delete(ex.pathParam("file_id")))))
                .get("/files/{file_id}/content", Access.ANY_KEY, this::content);
    }

    private FileService files(ApiExchange exchange) {
        return mka1.files(Callers.of(exchange));
    }

    private void upload(ApiExchange ex) throws IOException {
        MultipartReader reader = ex.multipartBody();
        long limit = ex.limits().maxUploadBytes();
        String purpose = null;
        FileObject created = null;
        Path spooled = null;
        String filename = null;
        try {
            for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
                switch (part.name()) {
                    case "purpose" -> purpose = part.readText(64);
                    case "file" -> {
                        if (created != null || spooled != null) {
                            throw new InvalidRequestException("Only one 'file' part is allowed", "file", "invalid_value");
                        }
                        filename = part.filename() == null || part.filename().isBlank() ? "upload" : part.filename();
                        InputStream bytes = new UploadLimitStream(part.body(), limit);
                        if (purpose != null) {
                            created = files(ex).create(new FileUpload(filename, FilePurpose.fromWire(purpose), bytes));
                        } else {
                            Files.createDirectories(spoolDir);
                            spooled = Files.createTempFile(spoolDir, SPOOL_PREFIX, SPOOL_SUFFIX);
                            try (OutputStream out = Files.newOutputStream(spooled)) {
                                bytes.transferTo(out);
                            }
                        }
                    }
                    default -> {
                        // Other form fields (e.g. "expires_after" from newer clients) are ignored.
                    }
                }
            }
            if (created == null && spooled == null) {
                throw new InvalidRequestException("Missing the 'file' part of the multipart form", "file", "missing_required_parameter");
            }
            if (purpose == null) {
                throw new InvalidRequestException("Missing the 'purpose' field of the multipart form", "purpose", "missing_required_parameter");
            }
            if (created == null) {
                try (InputStream in = Files.newInputStream(spooled)) {
                    created = files(ex).create(new FileUpload(filename, FilePurpose.fromWire(purpose), in));
                }
            }
        } finally {
            if (spooled != null) {
                Files.deleteIfExists(spooled);
            }
        }
        ex.sendJson(200, Json.writeBytes(FileObjectCodec.INSTANCE, created));
    }

    private void list(ApiExchange ex) throws IOException {
        QueryParams q = ex.query();
        String purpose = q.nonEmpty("purpose");
        FileListParams params = new FileListParams(
                purpose == null ? null : FilePurpose.fromWire(purpose),
                q.intInRange("limit", 10_000, 1, 10_000),
                q.nonEmpty("after"),
                SortOrder.fromWire(q.oneOf("order", "desc", ORDERS)));
        ex.sendJson(200, Json.writeBytes(PAGE, files(ex).list(params)));
    }

    private void content(ApiExchange ex) throws IOException {
        String id = ex.pathParam("file_id");
        FileService files = files(ex);
        FileObject file = files.retrieve(id);
        try (InputStream in = files.content(id)) {
            ex.sendStream(200, "application/octet-stream", in, file.bytes());
        }
    }
}
