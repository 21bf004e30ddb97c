/**
 * The blob-store seam: {@link com.mka1.core.storage.blob.BlobStore} (streamed, atomic puts) with
 * the data directory as default ({@link com.mka1.core.storage.blob.FileBlobStore}); a shared
 * object store implements it in its own module.
 */
package com.mka1.core.storage.blob;
