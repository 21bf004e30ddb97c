package com.mka1.core.jinja;

/**
 * Text marked safe by {@code |safe} (MarkupSafe's {@code Markup}). Only {@code +} tells it from a
 * plain string: it HTML-escapes a plain string added to it, as Python does; everywhere else it
 * acts as its text (see {@link Py#plain}).
 */
record Markup(String text) {
    static Markup concat(Object left, Object right) {
        return new Markup(escaped(left) + escaped(right));
    }

    private static String escaped(Object v) {
        if (v instanceof Markup m) {
            return m.text();
        }
        if (!(v instanceof String s)) {
            throw new JinjaException.Runtime("unsupported operand type(s) for +: 'Markup' and '" + Py.typeName(v) + "'");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '\'' -> "&#39;";
                case '"' -> "&#34;";
                default -> String.valueOf(c);
            });
        }
        return sb.toString();
    }
}
