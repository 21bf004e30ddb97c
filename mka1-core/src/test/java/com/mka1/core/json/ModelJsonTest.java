package com.mka1.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.models.Model;
import com.mka1.api.models.ModelDeleted;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelJsonTest {
    @Test
    void modelListAndDeleteAreExactAndRoundTrip() {
        Model base = new Model("mka1:tiny", 1700000000L, "mka1");
        Model ft = new Model("ft:mka1:tiny:support", 1700000100L, "organization-owner");
        assertThat(ModelJson.toJson(base)).isEqualTo("{\"id\":\"mka1:tiny\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"mka1\"}");
        String list = ModelJson.listToJson(List.of(base, ft));
        assertThat(list).isEqualTo("{\"object\":\"list\",\"data\":[" + ModelJson.toJson(base) + "," + ModelJson.toJson(ft)
                + "],\"has_more\":false,\"first_id\":\"mka1:tiny\",\"last_id\":\"ft:mka1:tiny:support\"}");
        assertThat(ModelJson.listFromJson(list)).containsExactly(base, ft);
        assertThat(ModelJson.listToJson(List.of())).isEqualTo(
                "{\"object\":\"list\",\"data\":[],\"has_more\":false,\"first_id\":null,\"last_id\":null}");
        ModelDeleted deleted = new ModelDeleted("ft:mka1:tiny:support", true);
        assertThat(ModelJson.deletedToJson(deleted)).isEqualTo("{\"id\":\"ft:mka1:tiny:support\",\"object\":\"model\",\"deleted\":true}");
        assertThat(ModelJson.deletedFromJson(ModelJson.deletedToJson(deleted))).isEqualTo(deleted);
        assertThat(ModelJson.fromJson(ModelJson.toJson(ft))).isEqualTo(ft);
    }
}
