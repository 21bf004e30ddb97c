package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.models.Model;
import com.mka1.api.models.ModelDeleted;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON codec of model objects, the model list and delete answers. */
@Deprecated(forRemoval = true) // interim helper until every caller uses ModelCodec
public final class ModelJson {
    private ModelJson() {}

    public static String toJson(Model model) {
        return JsonOutput.write(g -> write(g, model));
    }

    public static void write(JsonGenerator g, Model m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.created());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }

    /** The list envelope: {@code {"object": "list", "data": [...], "has_more": false, "first_id", "last_id"}}. */
    public static String listToJson(List<Model> models) {
        return JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Model m : models) {
                write(g, m);
            }
            g.writeEndArray();
            g.writeBooleanField("has_more", false);
            JsonOutput.stringOrNull(g, "first_id", models.isEmpty() ? null : models.getFirst().id());
            JsonOutput.stringOrNull(g, "last_id", models.isEmpty() ? null : models.getLast().id());
            g.writeEndObject();
        });
    }

    public static String deletedToJson(ModelDeleted deleted) {
        return JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", deleted.id());
            g.writeStringField("object", "model");
            g.writeBooleanField("deleted", deleted.deleted());
            g.writeEndObject();
        });
    }

    public static Model fromJson(String json) {
        return read(JsonTree.parseObject(json));
    }

    public static Model read(Map<String, Object> o) {
        Long created = JsonTree.integer(o, "created");
        return new Model(JsonTree.requiredString(o, "id"), created == null ? 0 : created, JsonTree.requiredString(o, "owned_by"));
    }

    public static List<Model> listFromJson(String json) {
        Map<String, Object> o = JsonTree.parseObject(json);
        List<Model> out = new ArrayList<>();
        List<Object> data = JsonTree.asArray("data", o.get("data"));
        for (int i = 0; i < data.size(); i++) {
            out.add(read(JsonTree.asObject("data[" + i + "]", data.get(i))));
        }
        return out;
    }

    public static ModelDeleted deletedFromJson(String json) {
        Map<String, Object> o = JsonTree.parseObject(json);
        Boolean deleted = JsonTree.bool(o, "deleted");
        return new ModelDeleted(JsonTree.requiredString(o, "id"), deleted != null && deleted);
    }
}
