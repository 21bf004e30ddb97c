package com.mka1.core.export;

import com.mka1.core.storage.FileTrees;
import com.mka1.api.Caller;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.models.ModelExportParams;
import com.mka1.core.adapter.UnsupportedAdapterException;
import com.mka1.core.files.FileStore;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.storage.StorageFailures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Exports over the API: writes the export into a scratch directory, then moves it into the file
 * store as a {@code fine-tune-results} file of the caller (a Hugging Face directory as a zip whose
 * entries sit under one folder named after the model).
 */
public final class ExportFiles {
    private final ModelExporter exporter;
    private final FileStore files;
    private final Path scratch;

    /** @param scratch a directory on the file store's file system for exports in progress */
    public ExportFiles(ModelExporter exporter, FileStore files, Path scratch) {
        this.exporter = exporter;
        this.files = files;
        this.scratch = scratch;
    }

    /** Exports {@code model} (whose visibility the caller has already been checked against) into a file of {@code caller}. */
    public FileObject export(RegisteredModel model, ModelExportParams params, Caller caller) {
        String modelId = model.id();
        ExportFormat format;
        GgufType type;
        try {
            format = ExportFormat.parse(params.format());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage(), "format", "invalid_export_format");
        }
        try {
            type = GgufType.parse(params.type());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage(), "type", "invalid_export_type");
        }
        Path work = null;
        try {
            Files.createDirectories(scratch);
            work = Files.createTempDirectory(scratch, "export");
            Path written = exporter.export(modelId, format, type, work.resolve(format.fileName(modelId, type)));
            Path out = format == ExportFormat.HF ? zip(written, work.resolve(written.getFileName() + ".zip")) : written;
            return files.storeGenerated(out.getFileName().toString(), FilePurpose.FINE_TUNE_RESULTS, out, caller.endUserId());
        } catch (UnsupportedExportException | UnsupportedAdapterException e) {
            throw ModelExporter.notExportable(modelId, format, e);
        } catch (IOException e) {
            throw StorageFailures.toApi("Could not export " + modelId, e);
        } finally {
            if (work != null) deleteTree(work);
        }
    }

    private static Path zip(Path dir, Path zip) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
             Stream<Path> entries = Files.list(dir)) {
            for (Path f : entries.sorted().toList()) {
                z.putNextEntry(new ZipEntry(dir.getFileName() + "/" + f.getFileName()));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return zip;
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }
}
