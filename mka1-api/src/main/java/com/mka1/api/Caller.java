package com.mka1.api;

import java.util.Objects;

/**
 * Who a call acts for: the end user named by the {@code X-On-Behalf-Of} header, or nobody.
 * Objects record the end user they were created for. {@link #canSee} is the whole visibility rule
 * (the spec's "Who sees what"), applied by every resource: a caller acting for nobody sees and may
 * reference every object; a caller acting for {@code U} sees U's objects and the shared ones
 * (created for nobody), never another end user's (those answer as if absent).
 *
 * @param endUserId the end user's id, or null for calls made on nobody's behalf
 */
public record Caller(String endUserId) {
    /** Calls made on nobody's behalf: they see every object. */
    public static final Caller NONE = new Caller(null);

    public Caller {
        if (endUserId != null && endUserId.isBlank()) endUserId = null;
    }

    /** A caller acting for {@code endUserId} (null or blank: nobody). */
    public static Caller onBehalfOf(String endUserId) {
        return new Caller(endUserId);
    }

    /** Whether this caller may see and reference an object created for {@code owner} (null: shared). */
    public boolean canSee(String owner) {
        return endUserId == null || owner == null || Objects.equals(endUserId, owner);
    }
}
