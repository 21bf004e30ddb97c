package com.mka1.core.registry;

import com.mka1.api.Caller;
import com.mka1.api.files.FileObject;
import com.mka1.api.models.ModelExportParams;

/**
 * Writes a model the caller may see into the file store as an export (the engine's exporter, kept
 * behind this interface so the registry does not depend on the packages that load models).
 */
@FunctionalInterface
public interface ModelExports {
    /** The export of {@code model} as a file created for {@code caller}. */
    FileObject export(RegisteredModel model, ModelExportParams params, Caller caller);
}
