package com.mka1.api.files;

import com.mka1.api.SortOrder;

/**
 * Filters and pagination for listing files.
 *
 * @param purpose only files with this purpose, or null for all
 * @param limit   1..10000, or null for 10000
 * @param after   id of the last file of the previous page, or null
 * @param order   by creation time, or null for newest first
 */
public record FileListParams(FilePurpose purpose, Integer limit, String after, SortOrder order) {
    /** Every file, newest first. */
    public static final FileListParams ALL = new FileListParams(null, null, null, null);
}
