package com.mka1.api;

import java.util.List;

/**
 * One page of a cursor-paginated list. Pass {@link #lastId()} as the next request's
 * {@code after} while {@link #hasMore()} is true.
 *
 * @param data    the objects of this page, in the list's order
 * @param hasMore whether objects follow this page
 * @param firstId id of the first object, null on an empty page
 * @param lastId  id of the last object, null on an empty page
 */
public record Page<T>(List<T> data, boolean hasMore, String firstId, String lastId) {
    public Page {
        data = List.copyOf(data);
    }
}
