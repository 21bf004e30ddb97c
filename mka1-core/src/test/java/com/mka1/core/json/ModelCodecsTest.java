package com.mka1.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.Page;
import com.mka1.api.models.Model;
import com.mka1.api.models.ModelDeleted;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCodecsTest {
    @Test
    void modelListAndDeleteAreExactAndRoundTrip() {
        Model base = new Model("mka1:tiny", 1700000000L, "mka1");
        Model ft = new Model("ft:mka1:tiny:support", 1700000100L, "organization-owner");
        String baseJson = "{\"id\":\"mka1:tiny\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"mka1\"}";
        assertThat(Json.write(ModelCodec.INSTANCE, base)).isEqualTo(baseJson);
        assertThat(Json.read(ModelCodec.INSTANCE, Json.write(ModelCodec.INSTANCE, ft))).isEqualTo(ft);

        PageCodec<Model> pages = new PageCodec<>(ModelCodec.INSTANCE);
        Page<Model> page = new Page<>(List.of(base, ft), false, base.id(), ft.id());
        String list = Json.write(pages, page);
        assertThat(list).isEqualTo("{\"object\":\"list\",\"data\":[" + baseJson + "," + Json.write(ModelCodec.INSTANCE, ft)
                + "],\"has_more\":false,\"first_id\":\"mka1:tiny\",\"last_id\":\"ft:mka1:tiny:support\"}");
        assertThat(Json.read(pages, list)).isEqualTo(page);

        ModelDeleted deleted = new ModelDeleted("ft:mka1:tiny:support", true);
        assertThat(Json.write(DeletedCodec.MODEL, deleted))
                .isEqualTo("{\"id\":\"ft:mka1:tiny:support\",\"object\":\"model\",\"deleted\":true}");
        assertThat(Json.read(DeletedCodec.MODEL, Json.write(DeletedCodec.MODEL, deleted))).isEqualTo(deleted);
    }
}
