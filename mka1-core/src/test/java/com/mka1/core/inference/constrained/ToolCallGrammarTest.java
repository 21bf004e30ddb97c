package com.mka1.core.inference.constrained;

import static com.mka1.core.inference.constrained.JsonSchemaCompilerTest.accepts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Function-call grammars: the arguments follow the schema of the function named. */
class ToolCallGrammarTest {
    private static final JsonValue ORDER = Json.parse("""
            {"type":"object","properties":{"order_id":{"type":"string","maxLength":8}},"required":["order_id"],
             "additionalProperties":false}""");
    private static final JsonValue REFUND = Json.parse("""
            {"type":"object","properties":{"order_id":{"type":"string","maxLength":8},"amount":{"type":"number"},
             "reason":{"enum":["damaged","late"]}},"required":["order_id","amount","reason"],"additionalProperties":false}""");
    private static final List<ToolCallGrammar.Function> FUNCTIONS = List.of(
            new ToolCallGrammar.Function("lookup_order", ORDER, true), new ToolCallGrammar.Function("refund", REFUND, true));

    @Test
    void argumentsFollowTheNamedFunctionsSchema() {
        Grammar g = ToolCallGrammar.calls(FUNCTIONS, "<tool_call>\n", "\n</tool_call>", "\n", 1, 1);
        assertThat(accepts(g, "<tool_call>\n{\"name\": \"refund\", \"arguments\": {\"order_id\": \"A1\", \"amount\": 3.5, "
                + "\"reason\": \"late\"}}\n</tool_call>")).isTrue();
        assertThat(accepts(g, "<tool_call>\n{\"name\":\"lookup_order\",\"arguments\":{\"order_id\":\"A1\"}}\n</tool_call>")).isTrue();
        assertThat(accepts(g, "<tool_call>\n{\"name\":\"lookup_order\",\"arguments\":{\"order_id\":\"A1\",\"amount\":1,"
                + "\"reason\":\"late\"}}\n</tool_call>")).as("refund's arguments under lookup_order's name").isFalse();
        assertThat(accepts(g, "<tool_call>\n{\"name\":\"cancel\",\"arguments\":{}}\n</tool_call>")).as("no such function").isFalse();
        assertThat(accepts(g, "{\"name\":\"lookup_order\",\"arguments\":{\"order_id\":\"A1\"}}")).as("the template's markers").isFalse();
    }

    @Test
    void parallelCallsAreSeparatedAndCounted() {
        Grammar g = ToolCallGrammar.calls(FUNCTIONS, "<tool_call>", "</tool_call>", "\n", 1, 2);
        String one = "<tool_call>{\"name\":\"lookup_order\",\"arguments\":{\"order_id\":\"A\"}}</tool_call>";
        assertThat(accepts(g, one)).isTrue();
        assertThat(accepts(g, one + "\n" + one)).isTrue();
        assertThat(accepts(g, one + "\n" + one + "\n" + one)).isFalse();
        assertThat(accepts(g, one + one)).as("the separator").isFalse();
    }

    @Test
    void nonStrictFunctionsWithUnsupportedSchemasStillGetAnObjectStrictOnesAreRefused() {
        JsonValue patterned = Json.parse("{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":\"string\",\"pattern\":\"^\\\\d+$\"}}}");
        Grammar loose = ToolCallGrammar.calls(List.of(new ToolCallGrammar.Function("ship", patterned, false)), "", "", "", 1, 1);
        assertThat(accepts(loose, "{\"name\":\"ship\",\"arguments\":{\"anything\":[1,2]}}")).isTrue();
        assertThat(accepts(loose, "{\"name\":\"ship\",\"arguments\":[1]}")).isFalse();
        assertThatThrownBy(() -> ToolCallGrammar.calls(List.of(new ToolCallGrammar.Function("ship", patterned, true)), "", "", "", 1, 1))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessage("unsupported keyword 'pattern' (at #/properties/zip)");
    }

    @Test
    void randomCallsThroughTheMaskAlwaysParseAndValidate() {
        byte[][] bytes = new byte[257][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        bytes[256] = new byte[0];
        TokenConstraint c = new TokenConstraint(ToolCallGrammar.calls(FUNCTIONS, "", "", "", 1, 1), new TokenVocabulary(bytes));
        Map<String, JsonValue> schemas = Map.of("lookup_order", ORDER, "refund", REFUND);
        SplittableRandom random = new SplittableRandom(11);
        List<String> names = new ArrayList<>();
        for (int run = 0; run < 100; run++) {
            ConstrainedDecoding d = c.start(new int[] {256});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int left = 200; left > 0; left--) {
                long[] mask = d.allowedWithin(left - 1);
                List<Integer> ids = new ArrayList<>();
                for (int id = 0; id < 257; id++) if (ConstrainedDecoding.contains(mask, id)) ids.add(id);
                int pick = ids.get(random.nextInt(ids.size()));
                if (pick == 256) break;
                d.accept(pick);
                out.write(pick);
            }
            JsonValue.Obj call = (JsonValue.Obj) Json.parse(out.toByteArray());
            String name = ((JsonValue.Str) call.get("name")).value();
            names.add(name);
            assertThat(SchemaValidator.problems(schemas.get(name), call.get("arguments")))
                    .as(out.toString(StandardCharsets.UTF_8)).isEmpty();
        }
        assertThat(names).contains("lookup_order", "refund");
    }
}
