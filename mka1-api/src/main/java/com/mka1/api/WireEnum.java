package com.mka1.api;

import java.util.Locale;
import java.util.Optional;

/**
 * An enum whose constants travel on the wire under a name, by default the constant's name in lower
 * case ({@code JobStatus.QUEUED} is {@code "queued"}). Every such enum shares this one naming rule
 * and this one lookup; an enum whose wire names differ overrides {@link #wireName()}.
 */
public interface WireEnum {
    /** The constant's Java name; every enum implements it. */
    String name();

    /** The name used on the wire. */
    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant among {@code values} whose wire name is {@code name}, or empty when none is. */
    static <E extends WireEnum> Optional<E> lookup(E[] values, String name) {
        for (E value : values) if (value.wireName().equals(name)) return Optional.of(value);
        return Optional.empty();
    }
}
