package com.mka1.core.jinja;

import java.util.List;

/** Statement nodes of a parsed template. */
sealed interface Node {
    record Text(String text) implements Node {}

    record Output(Expr value) implements Node {}

    record If(List<Expr> tests, List<List<Node>> bodies, List<Node> otherwise) implements Node {}

    /** {@code for targets in iterable [if filter]} ... {@code else} ... {@code endfor}. */
    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise) implements Node {}

    /** {@code set name = value}, {@code set a, b = value} or {@code set ns.attr = value}. */
    record Set(List<String> targets, String attribute, Expr value) implements Node {}

    /** {@code set name} ... {@code endset}: the rendered body as a string. */
    record SetBlock(String target, List<Node> body) implements Node {}

    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}

    /** transformers' {@code generation} ... {@code endgeneration} block: renders its body. */
    record Generation(List<Node> body) implements Node {}

    record Break() implements Node {}

    record Continue() implements Node {}
}
