package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.Page;

import java.io.IOException;
import java.util.List;

/** {@code {"object": "list", "data": [...], "has_more", "first_id", "last_id"}} (ids null on an empty page). */
public final class PageCodec<T> implements JsonCodec<Page<T>> {
    private final JsonCodec<T> element;

    public PageCodec(JsonCodec<T> element) {
        this.element = element;
    }

    @Override
    public void write(JsonGenerator g, Page<T> page) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (T item : page.data()) element.write(g, item);
        g.writeEndArray();
        g.writeBooleanField("has_more", page.hasMore());
        ApiWriter.string(g, "first_id", page.firstId());
        ApiWriter.string(g, "last_id", page.lastId());
        g.writeEndObject();
    }

    @Override
    public Page<T> read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        List<JsonValue> data = r.array("data");
        return new Page<>(data == null ? List.of() : data.stream().map(element::read).toList(),
                Boolean.TRUE.equals(r.bool("has_more")), r.string("first_id"), r.string("last_id"));
    }
}
