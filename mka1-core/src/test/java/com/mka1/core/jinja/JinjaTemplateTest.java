package com.mka1.core.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's Jinja and Python semantics beyond what the chat-template fixtures exercise; the
 * expected strings are what jinja2 3.1 gives with trim_blocks, lstrip_blocks and transformers' tojson.
 */
class JinjaTemplateTest {
    private static final PyStrftime DEC_7_2025 = new PyStrftime(Clock.fixed(Instant.parse("2025-12-07T09:05:00Z"), ZoneOffset.UTC));

    private static String render(String template, Map<String, ?> context) {
        return JinjaTemplate.parse(template).render(context, DEC_7_2025);
    }

    private static String render(String template) {
        return render(template, Map.of());
    }

    @Test
    void whitespaceControlAsTransformersConfiguresIt() {
        assertThat(render("a\n  {% if true %}\nb\n  {% endif %}\nc")).isEqualTo("a\nb\nc");
        assertThat(render("a {{- ' b ' -}} c")).isEqualTo("a b c");
        assertThat(render("  {%+ if true %}x{% endif %}")).isEqualTo("  x");
        assertThat(render("a\n  {# note #}\nb")).isEqualTo("a\nb");
        assertThat(render("  {{ 'x' }}\n")).as("output tags keep their indentation and newline").isEqualTo("  x\n");
        assertThat(render("{{ 'a\\nb' }}")).isEqualTo("a\nb");
    }

    @Test
    void loopsWithTheirVariablesFiltersAndControls() {
        assertThat(render("{% for x in ['a','b','c'] %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}"))
                .isEqualTo("1a,2b,3c");
        assertThat(render("{% for x in [1,2,3] %}{{ loop.previtem|default('-') }}{{ loop.nextitem is defined }}{% endfor %}"))
                .isEqualTo("-True1True2False");
        assertThat(render("{% for k, v in {'a': 1, 'return': 2, 'b': 3}.items() if k != 'return' %}{{ k }}={{ v }}/{{ loop.length }} {% endfor %}"))
                .isEqualTo("a=1/2 b=3/2 ");
        assertThat(render("{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}"))
                .isEqualTo("013");
        assertThat(render("{% for x in [] %}x{% else %}empty{% endfor %}")).isEqualTo("empty");
        assertThat(render("{% for c in 'a😀' %}[{{ c }}]{% endfor %}")).isEqualTo("[a][😀]");
    }

    @Test
    void assignmentsInALoopStayThereExceptThroughANamespace() {
        assertThat(render("{% set x = 1 %}{% for i in [1,2] %}{% set x = x + i %}{% endfor %}{{ x }}")).isEqualTo("1");
        assertThat(render("{% set ns = namespace(n=0) %}{% for i in [1,2] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"))
                .isEqualTo("3");
        assertThat(render("{% set x %}a{{ 1 }}{% endset %}{{ x }}")).isEqualTo("a1");
        assertThat(render("{% set a, b = [1, 2] %}{{ b }}{{ a }}")).isEqualTo("21");
    }

    @Test
    void stringsCountCodePoints() {
        Map<String, Object> s = Map.of("s", "a😀b");
        assertThat(render("{{ s|length }} {{ s[1] }} {{ s[::-1] }} {{ s[:-1] }} {{ s[-1] }}", s)).isEqualTo("3 😀 b😀a a😀 b");
        assertThat(render("{{ [1, 2, 3, 4][1:] }} {{ [1, 2, 3, 4][::2] }} {{ [1, 2, 3][5] is defined }}")).isEqualTo("[2, 3, 4] [1, 3] False");
    }

    @Test
    void tojsonIsPythonsJsonDumpsWithoutAsciiEscapes() {
        Map<Object, Object> value = new LinkedHashMap<>();
        value.put("b", java.util.Arrays.asList(1L, 2.5, null, true));
        value.put("a", "é\"\n/\u0001");
        Map<String, Object> v = Map.of("v", value);
        assertThat(render("{{ v|tojson }}", v)).isEqualTo("{\"b\": [1, 2.5, null, true], \"a\": \"é\\\"\\n/\\u0001\"}");
        assertThat(render("{{ v|tojson(indent=2) }}", v))
                .isEqualTo("{\n  \"b\": [\n    1,\n    2.5,\n    null,\n    true\n  ],\n  \"a\": \"é\\\"\\n/\\u0001\"\n}");
        assertThat(render("{{ {}|tojson(indent=2) }} {{ 0.00001|tojson }} {{ 1e16 }} {{ 1.0 }} {{ 123456.5 }}")).isEqualTo("{} 1e-05 1e+16 1.0 123456.5");
    }

    @Test
    void valuesPrintAsPythonPrintsThem() {
        assertThat(render("{{ {'a': [1, none, true, \"x'y\"]}|string }} {{ none }} {{ false }} {{ 'q' ~ 1 }}"))
                .isEqualTo("{'a': [1, None, True, \"x'y\"]} None False q1");
        assertThat(render("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ '-' * 3 }} {{ 1 == 1.0 }}"))
                .isEqualTo("3 -4 1 2 3.5 1024 --- True");
        assertThat(render("{{ 'a'|safe + '<b>' }}")).as("Markup escapes what is added to it").isEqualTo("a&lt;b&gt;");
    }

    @Test
    void recursiveMacrosWithDefaultArguments() {
        assertThat(render("{% macro f(n, sep='-') %}{{ n }}{% if n > 0 %}{{ sep }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(2) }}|{{ f(1, sep='+') }}"))
                .isEqualTo("2-1-0|1+0");
    }

    @Test
    void pythonStringAndDictMethods() {
        assertThat(render("{{ '  x y  '.strip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'xxhixx'.lstrip('x') }}"
                + "|{{ 'hello'.replace('l', 'L') }}|{{ 'abc'.startswith(('x', 'a')) }}|{{ 'abc'.endswith('bc') }}|{{ 'a b'.rstrip('b') }}"))
                .isEqualTo("x y|['a', 'b', '', 'c']|['a', 'b']|hixx|heLLo|True|True|a ");
        assertThat(render("{{ d.get('a', 0) }}{{ d.get('z', 0) }}{{ d.a }}{{ d['a'] }}{% for k, v in d|items %}{{ k }}{{ v }}{% endfor %}",
                Map.of("d", Map.of("a", 1L)))).isEqualTo("1011a1");
    }

    @Test
    void filtersAndTests() {
        List<Object> messages = List.of(Map.of("role", "user", "content", "a"), Map.of("role", "assistant", "content", "b"),
                Map.of("role", "user", "content", "c"));
        assertThat(render("{{ m|selectattr('role', 'equalto', 'user')|map(attribute='content')|join(', ') }}"
                + "|{{ m|rejectattr('role', 'equalto', 'user')|list|length }}|{{ m|map(attribute='role')|unique|list }}", Map.of("m", messages)))
                .isEqualTo("a, c|1|['user', 'assistant']");
        assertThat(render("{{ [3, 1, 3, 'A', 'a']|unique|list }} {{ none|default('d') }} {{ missing|default('d') }} {{ ''|default('d', true) }}"))
                .isEqualTo("[3, 1, 'A'] None d d");
        assertThat(render("{{ ' Hi '|trim|upper }}{{ 'Hi'|lower }}{{ [1,2]|first }}{{ [1,2]|last }}{{ 'ab'|replace('a', 'c') }}"))
                .isEqualTo("HIhi12cb");
        assertThat(render("{{ {} is mapping }} {{ 'x' is iterable }} {{ 3 is number }} {{ none is none }} {{ 'a' is string }} "
                + "{{ x is defined }} {{ x is not defined }} {{ 1 is false }} {{ false is false }}"))
                .isEqualTo("True True True True True False True False True");
    }

    @Test
    void undefinedIsLenientUntilUsed() {
        assertThat(render("{{ missing }}|{{ missing ~ 'x' }}|{% for x in missing %}y{% endfor %}|{{ d.nokey }}|{{ 'y' if false }}|{{ 'y' if false else 'n' }}",
                Map.of("d", Map.of()))).isEqualTo("|x||||n");
        assertThatThrownBy(() -> render("{{ missing + 1 }}")).isInstanceOf(JinjaException.Runtime.class);
        assertThatThrownBy(() -> render("{{ missing.attr }}")).isInstanceOf(JinjaException.Runtime.class);
        assertThatThrownBy(() -> render("{{ missing() }}")).isInstanceOf(JinjaException.Runtime.class);
    }

    @Test
    void pythonTypeErrorsSandboxAndRaiseException() {
        assertThatThrownBy(() -> render("{{ none + 'x' }}")).isInstanceOf(JinjaException.Runtime.class);
        assertThatThrownBy(() -> render("{{ 'x' + none }}")).isInstanceOf(JinjaException.Runtime.class)
                .hasMessage("can only concatenate str (not \"NoneType\") to str");
        assertThatThrownBy(() -> render("{{ 'x' in none }}")).isInstanceOf(JinjaException.Runtime.class)
                .hasMessage("argument of type 'NoneType' is not iterable");
        assertThatThrownBy(() -> render("{{ [1].append(2) }}")).isInstanceOf(JinjaException.Runtime.class);
        assertThatThrownBy(() -> render("{{ raise_exception('boom: ' ~ 1) }}")).isInstanceOf(JinjaException.Raised.class).hasMessage("boom: 1");
        assertThatThrownBy(() -> render("{% if %}x{% endif %}")).isInstanceOf(JinjaException.Syntax.class);
        assertThatThrownBy(() -> render("{% foo %}")).isInstanceOf(JinjaException.Syntax.class).hasMessageContaining("unknown tag 'foo'");
        assertThatThrownBy(() -> render("{% if true %}x")).isInstanceOf(JinjaException.Syntax.class).hasMessageContaining("endif");
    }

    @Test
    void generationBlocksAndStrftime() {
        assertThat(render("{% generation %}x{% endgeneration %}")).isEqualTo("x");
        assertThat(render("{{ strftime_now('%d %b %Y, %H:%M %A') }}")).isEqualTo("07 Dec 2025, 09:05 Sunday");
    }
}
