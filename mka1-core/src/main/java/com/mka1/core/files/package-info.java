/**
 * The file store: uploads streamed to disk under their id (client file names are metadata only),
 * durable metadata, per-caller visibility and the size limit.
 */
package com.mka1.core.files;
