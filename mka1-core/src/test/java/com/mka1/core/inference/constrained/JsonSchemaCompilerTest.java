package com.mka1.core.inference.constrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

public class JsonSchemaCompilerTest {
    public static JsonValue nestedSchema() {
        try (InputStream in = JsonSchemaCompilerTest.class.getResourceAsStream("/structured/nested-schema.json")) {
            return Json.parse(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the grammar reads {@code text} as a whole document. */
    static boolean accepts(Grammar grammar, String text) {
        GrammarAutomaton a = new GrammarAutomaton(grammar);
        MatchState s = a.initial();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s = a.step(s, b & 0xFF);
            if (s == GrammarAutomaton.DEAD) return false;
        }
        return s.accepting;
    }

    private static Grammar compile(String schema) {
        return JsonSchemaCompiler.compile(Json.parse(schema));
    }

    @Test
    void objectsFollowSchemaOrderWithRequiredAndOptionalProperties() {
        Grammar g = compile("""
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},
                 "required":["a","c"],"additionalProperties":false}""");
        assertThat(accepts(g, "{\"a\":1,\"b\":\"x\",\"c\":true}")).isTrue();
        assertThat(accepts(g, "{\"a\": -20, \"c\": false}")).isTrue();
        assertThat(accepts(g, " {\"a\":0,\"c\":true}")).isTrue();
        assertThat(accepts(g, "{\"c\":true,\"a\":1}")).as("schema order").isFalse();
        assertThat(accepts(g, "{\"a\":1}")).as("c is required").isFalse();
        assertThat(accepts(g, "{\"a\":1,\"c\":true,\"d\":1}")).as("no other property").isFalse();
        assertThat(accepts(g, "{\"a\":01,\"c\":true}")).as("no leading zero").isFalse();
        assertThat(accepts(g, "{\"a\":1.5,\"c\":true}")).as("integer").isFalse();
        assertThat(accepts(g, "{\"a\":1,,\"c\":true}")).isFalse();
        assertThat(accepts(g, "{\"a\":1,\"c\":true}\n")).as("nothing after the document").isFalse();
        assertThat(g.minBytes()).isEqualTo("{\"a\":0,\"c\":true}".length());
    }

    @Test
    void optionalPropertiesAloneNeedNoComma() {
        Grammar g = compile("""
                {"properties":{"a":{"type":"null"},"b":{"type":"null"}}}""");
        assertThat(accepts(g, "{}")).isTrue();
        assertThat(accepts(g, "{\"b\":null}")).isTrue();
        assertThat(accepts(g, "{\"a\":null,\"b\":null}")).isTrue();
        assertThat(accepts(g, "{,\"b\":null}")).isFalse();
        assertThat(accepts(g, "{\"a\":null,}")).isFalse();
    }

    @Test
    void stringsTakeEscapesAndUtf8ButNotControlCharactersOrLoneSurrogates() {
        Grammar g = compile("{\"type\":\"string\"}");
        assertThat(accepts(g, "\"a\\\"b\\\\c\\n\\u00e9\\uABCD é 日本 😀\"")).isTrue();
        assertThat(accepts(g, "\"tab\there\"")).isFalse();
        assertThat(accepts(g, "\"\\x\"")).isFalse();
        assertThat(accepts(g, "\"\\ud800\"")).isFalse();
        assertThat(accepts(g, "\"\\u12\"")).isFalse();
        GrammarAutomaton a = new GrammarAutomaton(g);
        MatchState s = a.step(a.initial(), '"');
        assertThat(a.step(s, 0xA9)).as("a continuation byte cannot start a character").isSameAs(GrammarAutomaton.DEAD);
        assertThat(a.step(a.step(s, 0xC3), '"')).as("nor can a lead byte end one").isSameAs(GrammarAutomaton.DEAD);
        assertThat(a.step(s, 0xC0)).as("overlong lead byte").isSameAs(GrammarAutomaton.DEAD);
    }

    @Test
    void lengthsCountCharactersAndItemCountsAreExact() {
        Grammar g = compile("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}");
        assertThat(accepts(g, "\"é\"")).isFalse();
        assertThat(accepts(g, "\"éé\"")).isTrue();
        assertThat(accepts(g, "\"a\\nb\"")).isTrue();
        assertThat(accepts(g, "\"abcd\"")).isFalse();
        Grammar list = compile("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":2}");
        assertThat(accepts(list, "[]")).isFalse();
        assertThat(accepts(list, "[1]")).isTrue();
        assertThat(accepts(list, "[1, 2]")).isTrue();
        assertThat(accepts(list, "[1,2,3]")).isFalse();
    }

    @Test
    void enumsConstsAnyOfAndTypeLists() {
        Grammar g = compile("""
                {"type":"object","properties":{"e":{"enum":["a","ab",1.5,null,{"x":[true]}]},"k":{"const":"k\\"q"},
                 "u":{"anyOf":[{"type":"integer"},{"type":"array","items":{"type":"boolean"}}]},"t":{"type":["number","null"]}},
                 "required":["e","k","u","t"]}""");
        assertThat(accepts(g, "{\"e\":\"ab\",\"k\":\"k\\\"q\",\"u\":[true,false],\"t\":null}")).isTrue();
        assertThat(accepts(g, "{\"e\":{\"x\":[true]},\"k\":\"k\\\"q\",\"u\":-3,\"t\":2.5e+10}")).isTrue();
        assertThat(accepts(g, "{\"e\":\"abc\",\"k\":\"k\\\"q\",\"u\":1,\"t\":1}")).isFalse();
        assertThat(accepts(g, "{\"e\":1.5,\"k\":\"k\",\"u\":1,\"t\":1}")).isFalse();
        assertThat(accepts(g, "{\"e\":null,\"k\":\"k\\\"q\",\"u\":\"1\",\"t\":1}")).isFalse();
    }

    @Test
    void recursiveReferencesNestAndFinish() {
        Grammar g = compile(nestedSchemaText("node"));
        assertThat(accepts(g, "{\"id\":1,\"next\":{\"id\":2,\"next\":{\"id\":3,\"next\":null}}}")).isTrue();
        assertThat(accepts(g, "{\"id\":1,\"next\":{\"id\":2}}")).isFalse();
        assertThat(g.minBytes()).isEqualTo("{\"id\":0,\"next\":null}".length());
    }

    private static String nestedSchemaText(String def) {
        return "{\"$ref\":\"#/$defs/" + def + "\",\"$defs\":" + Json.write(Json.VALUE, ((JsonValue.Obj) nestedSchema()).get("$defs")) + "}";
    }

    @Test
    void theNestedSchemaTakesValidDocumentsAndRefusesInvalidOnes() {
        Grammar g = JsonSchemaCompiler.compile(nestedSchema());
        String valid = "{\"name\":\"Ann\",\"age\":41,\"status\":null,\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"Oslo\","
                + "\"zip\":null},\"score\":0.5,\"verified\":true,\"kind\":\"person\",\"children\":[{\"id\":1,\"next\":null}]}";
        assertThat(accepts(g, valid)).isTrue();
        assertThat(SchemaValidator.problems(nestedSchema(), Json.parse(valid))).isEmpty();
        String tooManyTags = valid.replace("[\"a\",\"b\"]", "[\"a\",\"b\",\"c\",\"d\"]");
        assertThat(accepts(g, tooManyTags)).isFalse();
        assertThat(SchemaValidator.problems(nestedSchema(), Json.parse(tooManyTags))).isNotEmpty();
    }

    @Test
    void jsonObjectTakesAnyObjectOnly() {
        Grammar g = JsonSchemaCompiler.anyObject();
        assertThat(accepts(g, "{\"a\":[1,{\"b\":null},\"x\"], \"c\":{}}")).isTrue();
        assertThat(accepts(g, "{}")).isTrue();
        assertThat(accepts(g, "[1]")).isFalse();
        assertThat(accepts(g, "\"s\"")).isFalse();
        assertThat(accepts(g, "{\"a\"}")).isFalse();
    }

    @Test
    void unsupportedKeywordsAreRefusedByName() {
        assertThatThrownBy(() -> compile("{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":\"string\",\"pattern\":\"^\\\\d+$\"}}}"))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage("unsupported keyword 'pattern' (at #/properties/zip)");
        assertThatThrownBy(() -> compile("{\"type\":\"integer\",\"minimum\":3}"))
                .hasMessage("unsupported keyword 'minimum' (at #)");
        assertThatThrownBy(() -> compile("{\"oneOf\":[{\"type\":\"integer\"}]}"))
                .hasMessage("unsupported keyword 'oneOf' (at #)");
        assertThatThrownBy(() -> compile("{\"type\":\"strin\"}"))
                .hasMessage("unknown type 'strin' (at #/type)");
        assertThatThrownBy(() -> compile("{\"$ref\":\"#/$defs/missing\"}"))
                .hasMessage("'$ref' target '#/$defs/missing' does not exist (at #)");
        assertThatThrownBy(() -> compile("{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]}"))
                .hasMessage("required property 'b' is not in 'properties' (at #/required)");
        assertThatThrownBy(() -> compile("{\"$ref\":\"#/$defs/a\",\"$defs\":{\"a\":{\"anyOf\":[{\"$ref\":\"#/$defs/a\"}]}}}"))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("refers to itself");
        assertThatThrownBy(() -> compile("{\"$ref\":\"#/$defs/a\",\"$defs\":{\"a\":{\"type\":\"object\","
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}},\"required\":[\"x\"]}}}"))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("no finite");
    }
}
