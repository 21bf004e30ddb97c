package com.mka1.api;

/**
 * Cursor pagination for lists of a job's events or checkpoints.
 *
 * @param limit page size (1..100), or null for the list's default
 * @param after id of the last object of the previous page, or null for the first page
 */
public record PageParams(Integer limit, String after) {
    /** The first page at the default size. */
    public static final PageParams FIRST = new PageParams(null, null);

    public static PageParams of(int limit) {
        return new PageParams(limit, null);
    }
}
