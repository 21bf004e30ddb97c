package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.Page;

import java.io.IOException;
import java.util.List;

/**
 * {@code {"object": "list", "data": [...], "has_more", "first_id", "last_id"}}: ids null on an empty
 * page, or {@code ""} for lists whose schema types them as required strings (OpenAI's
 * ListFilesResponse: strict clients refuse a null there).
 */
public final class PageCodec<T> implements JsonCodec<Page<T>> {
    private final JsonCodec<T> element;
    private final boolean idsAreStrings;

    public PageCodec(JsonCodec<T> element) {
        this(element, false);
    }

    private PageCodec(JsonCodec<T> element, boolean idsAreStrings) {
        this.element = element;
        this.idsAreStrings = idsAreStrings;
    }

    /** A page whose {@code first_id}/{@code last_id} are never null ({@code ""} when the page is empty). */
    public static <T> PageCodec<T> withStringIds(JsonCodec<T> element) {
        return new PageCodec<>(element, true);
    }

    @Override
    public void write(JsonGenerator g, Page<T> page) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (T item : page.data()) element.write(g, item);
        g.writeEndArray();
        g.writeBooleanField("has_more", page.hasMore());
        ApiWriter.string(g, "first_id", idsAreStrings && page.firstId() == null ? "" : page.firstId());
        ApiWriter.string(g, "last_id", idsAreStrings && page.lastId() == null ? "" : page.lastId());
        g.writeEndObject();
    }

    @Override
    public Page<T> read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        List<JsonValue> data = r.array("data");
        return new Page<>(data == null ? List.of() : data.stream().map(element::read).toList(),
                Boolean.TRUE.equals(r.bool("has_more")), id(r.string("first_id")), id(r.string("last_id")));
    }

    private static String id(String wire) {
        return wire == null || wire.isEmpty() ? null : wire;
    }
}
