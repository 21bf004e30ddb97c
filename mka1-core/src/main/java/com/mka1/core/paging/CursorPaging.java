package com.mka1.core.paging;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.Page;

import java.util.List;
import java.util.function.Function;

/**
 * Cuts one page out of an ordered list. {@code after} must be the id of an object in the list
 * (as the caller sees it); an unknown id is a 400 on {@code after}, never a silently empty page,
 * so a client with a stale or mistyped cursor learns about it.
 */
public final class CursorPaging {
    private CursorPaging() {}

    /** Limits of one list endpoint. */
    public record Limits(int defaultLimit, int maxLimit) {}

    public static final Limits JOBS = new Limits(20, 100);
    public static final Limits EVENTS = new Limits(20, 100);
    public static final Limits CHECKPOINTS = new Limits(10, 100);
    public static final Limits FILES = new Limits(10_000, 10_000);

    public static <T> Page<T> page(List<T> ordered, Function<T, String> idOf, Integer limit, String after, Limits limits) {
        int n = checkLimit(limit, limits);
        int start = 0;
        if (after != null) {
            int at = indexOf(ordered, idOf, after);
            if (at < 0) {
                throw new InvalidRequestException("Invalid 'after': no object with id '" + after + "' in this list.",
                        "after", "invalid_value");
            }
            start = at + 1;
        }
        int end = Math.min(ordered.size(), start + n);
        List<T> data = ordered.subList(start, end);
        return new Page<>(data, end < ordered.size(), data.isEmpty() ? null : idOf.apply(data.getFirst()),
                data.isEmpty() ? null : idOf.apply(data.getLast()));
    }

    /** The effective limit: the default when null, else 1..max. */
    public static int checkLimit(Integer limit, Limits limits) {
        if (limit == null) return limits.defaultLimit();
        if (limit < 1 || limit > limits.maxLimit()) {
            throw new InvalidRequestException("Invalid 'limit': " + limit + " (must be between 1 and " + limits.maxLimit() + ").",
                    "limit", "invalid_value");
        }
        return limit;
    }

    private static <T> int indexOf(List<T> ordered, Function<T, String> idOf, String id) {
        for (int i = 0; i < ordered.size(); i++) if (idOf.apply(ordered.get(i)).equals(id)) return i;
        return -1;
    }
}
