package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.files.FileDeleted;
import com.mka1.api.models.ModelDeleted;
import com.mka1.api.responses.ResponseDeleted;

import java.io.IOException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/** {@code {"id", "object", "deleted"}}: the reply of every DELETE, one instance per resource. */
public final class DeletedCodec<T> implements JsonCodec<T> {
    public static final DeletedCodec<FileDeleted> FILE =
            new DeletedCodec<>("file", FileDeleted::id, FileDeleted::deleted, FileDeleted::new);
    public static final DeletedCodec<ModelDeleted> MODEL =
            new DeletedCodec<>("model", ModelDeleted::id, ModelDeleted::deleted, ModelDeleted::new);
    public static final DeletedCodec<ResponseDeleted> RESPONSE =
            new DeletedCodec<>("response", ResponseDeleted::id, ResponseDeleted::deleted, ResponseDeleted::new);

    private final String object;
    private final Function<T, String> id;
    private final Predicate<T> deleted;
    private final BiFunction<String, Boolean, T> create;

    private DeletedCodec(String object, Function<T, String> id, Predicate<T> deleted, BiFunction<String, Boolean, T> create) {
        this.object = object;
        this.id = id;
        this.deleted = deleted;
        this.create = create;
    }

    @Override
    public void write(JsonGenerator g, T d) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id.apply(d));
        g.writeStringField("object", object);
        g.writeBooleanField("deleted", deleted.test(d));
        g.writeEndObject();
    }

    @Override
    public T read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        return create.apply(r.requiredString("id"), Boolean.TRUE.equals(r.bool("deleted")));
    }
}
