package com.mka1.api;

/**
 * Who a call acts for: the end user named by the {@code X-On-Behalf-Of} header, or nobody.
 * Objects record the end user that created them; a caller sees only objects whose end user is
 * its own (a caller with no end user sees only objects created without one).
 *
 * @param endUserId the end user's id, or null for calls made on nobody's behalf
 */
public record Caller(String endUserId) {
    /** Calls made on nobody's behalf. */
    public static final Caller NONE = new Caller(null);

    public Caller {
        if (endUserId != null && endUserId.isBlank()) endUserId = null;
    }

    /** A caller acting for {@code endUserId} (null or blank: nobody). */
    public static Caller onBehalfOf(String endUserId) {
        return new Caller(endUserId);
    }

    /** Whether this caller may see an object created on behalf of {@code owner} (null: nobody). */
    public boolean canSee(String owner) {
        return java.util.Objects.equals(endUserId, owner);
    }
}
