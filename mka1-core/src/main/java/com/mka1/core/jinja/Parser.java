package com.mka1.core.jinja;

import com.mka1.core.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Recursive-descent parser from tokens to {@link Node}/{@link Expr} trees, with Jinja's precedence. */
final class Parser {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", ">", "<=", ">=");

    private final List<Token> tokens;
    private int pos;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        Parser parser = new Parser(Lexer.tokenize(source));
        List<Node> body = parser.body(Set.of());
        if (parser.peek().kind() != Kind.EOF) {
            throw parser.error("unexpected '" + parser.peek(1).value() + "' tag");
        }
        return body;
    }

    // ---- statements

    /** Nodes up to a block tag named in {@code ends} (left unconsumed) or the end of the template. */
    private List<Node> body(Set<String> ends) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF -> {
                    if (!ends.isEmpty()) {
                        throw error("missing " + String.join(" or ", ends));
                    }
                    return nodes;
                }
                case TEXT -> {
                    pos++;
                    nodes.add(new Node.Text(t.value()));
                }
                case VAR_BEGIN -> {
                    pos++;
                    nodes.add(new Node.Output(expression()));
                    expect(Kind.VAR_END);
                }
                case BLOCK_BEGIN -> {
                    Token keyword = peek(1);
                    if (keyword.kind() == Kind.NAME && ends.contains(keyword.value())) {
                        return nodes;
                    }
                    pos += 2;
                    nodes.add(statement(keyword));
                }
                default -> throw error("unexpected " + t.kind());
            }
        }
    }

    private Node statement(Token keyword) {
        if (keyword.kind() != Kind.NAME) {
            throw error("expected a statement name");
        }
        return switch (keyword.value()) {
            case "if" -> ifStatement();
            case "for" -> forStatement();
            case "set" -> setStatement();
            case "macro" -> macro();
            case "generation" -> {
                expect(Kind.BLOCK_END);
                List<Node> body = body(Set.of("endgeneration"));
                endTag("endgeneration");
                yield new Node.Generation(body);
            }
            case "break" -> {
                expect(Kind.BLOCK_END);
                yield new Node.Break();
            }
            case "continue" -> {
                expect(Kind.BLOCK_END);
                yield new Node.Continue();
            }
            default -> throw error("unknown tag '" + keyword.value() + "'");
        };
    }

    private Node ifStatement() {
        List<Expr> tests = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        List<Node> otherwise = List.of();
        tests.add(expression());
        expect(Kind.BLOCK_END);
        while (true) {
            bodies.add(body(Set.of("elif", "else", "endif")));
            String tag = peek(1).value();
            pos += 2;
            if (tag.equals("elif")) {
                tests.add(expression());
                expect(Kind.BLOCK_END);
                continue;
            }
            expect(Kind.BLOCK_END);
            if (tag.equals("else")) {
                otherwise = body(Set.of("endif"));
                endTag("endif");
            }
            return new Node.If(tests, bodies, otherwise);
        }
    }

    private Node forStatement() {
        List<String> targets = new ArrayList<>();
        do {
            targets.add(name());
        } while (acceptOp(","));
        expectName("in");
        Expr iterable = conditionalFree();
        Expr filter = acceptName("if") ? expression() : null;
        if (acceptName("recursive")) {
            throw error("recursive loops are not supported");
        }
        expect(Kind.BLOCK_END);
        List<Node> body = body(Set.of("else", "endfor"));
        List<Node> otherwise = List.of();
        if (peek(1).isName("else")) {
            pos += 2;
            expect(Kind.BLOCK_END);
            otherwise = body(Set.of("endfor"));
        }
        endTag("endfor");
        return new Node.For(targets, iterable, filter, body, otherwise);
    }

    private Node setStatement() {
        List<String> targets = new ArrayList<>();
        targets.add(name());
        String attribute = null;
        if (acceptOp(".")) {
            attribute = name();
        } else {
            while (acceptOp(",")) {
                targets.add(name());
            }
        }
        if (peek().kind() == Kind.BLOCK_END && attribute == null && targets.size() == 1) {
            pos++;
            List<Node> body = body(Set.of("endset"));
            endTag("endset");
            return new Node.SetBlock(targets.getFirst(), body);
        }
        expectOp("=");
        Expr value = tupleOrExpression();
        expect(Kind.BLOCK_END);
        return new Node.Set(targets, attribute, value);
    }

    private Node macro() {
        String name = name();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        expectOp("(");
        while (!acceptOp(")")) {
            if (!params.isEmpty()) {
                expectOp(",");
                if (acceptOp(")")) {
                    break;
                }
            }
            params.add(name());
            defaults.add(acceptOp("=") ? expression() : null);
        }
        expect(Kind.BLOCK_END);
        List<Node> body = body(Set.of("endmacro"));
        endTag("endmacro");
        return new Node.Macro(name, params, defaults, body);
    }

    private void endTag(String name) {
        expect(Kind.BLOCK_BEGIN);
        expectName(name);
        if (peek().kind() == Kind.NAME) {
            pos++; // {% endmacro name %}
        }
        expect(Kind.BLOCK_END);
    }

    // ---- expressions, lowest precedence first

    /** {@code a, b} as a list (right side of a set), or a single expression. */
    private Expr tupleOrExpression() {
        Expr first = expression();
        if (!peek().isOp(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (acceptOp(",")) {
            items.add(expression());
        }
        return new Expr.ListLiteral(items);
    }

    Expr expression() {
        Expr value = or();
        if (acceptName("if")) {
            Expr test = or();
            Expr otherwise = acceptName("else") ? expression() : null;
            return new Expr.Conditional(test, value, otherwise);
        }
        return value;
    }

    /** A for loop's iterable: no inline if, which belongs to the loop's filter. */
    private Expr conditionalFree() {
        return or();
    }

    private Expr or() {
        Expr left = and();
        while (acceptName("or")) {
            left = new Expr.Or(left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (acceptName("and")) {
            left = new Expr.And(left, not());
        }
        return left;
    }

    private Expr not() {
        if (acceptName("not")) {
            return new Expr.Not(not());
        }
        return compare();
    }

    private Expr compare() {
        Expr left = math1();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.OP && COMPARE.contains(t.value())) {
                pos++;
                left = new Expr.Binary(t.value(), left, math1());
            } else if (t.isName("in")) {
                pos++;
                left = new Expr.Binary("in", left, math1());
            } else if (t.isName("not") && peek(1).isName("in")) {
                pos += 2;
                left = new Expr.Binary("not in", left, math1());
            } else {
                return left;
            }
        }
    }

    private Expr math1() {
        Expr left = concat();
        while (peek().isOp("+") || peek().isOp("-")) {
            String op = next().value();
            left = new Expr.Binary(op, left, concat());
        }
        return left;
    }

    private Expr concat() {
        Expr left = math2();
        while (acceptOp("~")) {
            left = new Expr.Binary("~", left, math2());
        }
        return left;
    }

    private Expr math2() {
        Expr left = pow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            String op = next().value();
            left = new Expr.Binary(op, left, pow());
        }
        return left;
    }

    private Expr pow() {
        Expr left = unary(true);
        while (acceptOp("**")) {
            left = new Expr.Binary("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilter) {
        Expr node;
        if (acceptOp("-")) {
            node = new Expr.Negate(unary(false));
        } else if (acceptOp("+")) {
            node = unary(false);
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilter ? filters(node) : node;
    }

    private Expr primary() {
        Token t = next();
        return switch (t.kind()) {
            case NAME -> switch (t.value()) {
                case "true", "True" -> new Expr.Literal(Boolean.TRUE);
                case "false", "False" -> new Expr.Literal(Boolean.FALSE);
                case "none", "None" -> new Expr.Literal(null);
                default -> new Expr.Name(t.value());
            };
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.value());
                while (peek().kind() == Kind.STRING) {
                    sb.append(next().value());
                }
                yield new Expr.Literal(sb.toString());
            }
            case INT -> new Expr.Literal(Long.parseLong(t.value()));
            case FLOAT -> new Expr.Literal(Double.parseDouble(t.value()));
            case OP -> switch (t.value()) {
                case "(" -> {
                    Expr inner = tupleOrExpression();
                    expectOp(")");
                    yield inner;
                }
                case "[" -> {
                    List<Expr> items = new ArrayList<>();
                    while (!acceptOp("]")) {
                        if (!items.isEmpty()) {
                            expectOp(",");
                            if (acceptOp("]")) {
                                break;
                            }
                        }
                        items.add(expression());
                    }
                    yield new Expr.ListLiteral(items);
                }
                case "{" -> {
                    List<Expr> keys = new ArrayList<>();
                    List<Expr> values = new ArrayList<>();
                    while (!acceptOp("}")) {
                        if (!keys.isEmpty()) {
                            expectOp(",");
                            if (acceptOp("}")) {
                                break;
                            }
                        }
                        keys.add(expression());
                        expectOp(":");
                        values.add(expression());
                    }
                    yield new Expr.DictLiteral(keys, values);
                }
                default -> throw error("unexpected '" + t.value() + "'");
            };
            default -> throw error("unexpected " + t.kind());
        };
    }

    private Expr postfix(Expr node) {
        while (true) {
            if (acceptOp(".")) {
                Token t = next();
                if (t.kind() == Kind.INT) {
                    node = new Expr.Item(node, new Expr.Literal(Long.parseLong(t.value())));
                } else if (t.kind() == Kind.NAME) {
                    node = new Expr.Attribute(node, t.value());
                } else {
                    throw error("expected an attribute name");
                }
            } else if (acceptOp("[")) {
                node = subscript(node);
            } else if (acceptOp("(")) {
                node = new Expr.Call(node, arguments());
            } else {
                return node;
            }
        }
    }

    private Expr subscript(Expr node) {
        Expr[] parts = new Expr[3];
        int index = 0;
        boolean slice = false;
        while (!acceptOp("]")) {
            if (acceptOp(":")) {
                slice = true;
                if (++index > 2) {
                    throw error("too many ':' in a slice");
                }
            } else {
                parts[index] = expression();
            }
        }
        if (!slice) {
            if (parts[0] == null) {
                throw error("empty subscript");
            }
            return new Expr.Item(node, parts[0]);
        }
        return new Expr.Slice(node, parts[0], parts[1], parts[2]);
    }

    /** Arguments after an opening parenthesis, through the closing one. */
    private Expr.Args arguments() {
        List<Expr> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expr> named = new ArrayList<>();
        boolean first = true;
        while (!acceptOp(")")) {
            if (!first) {
                expectOp(",");
                if (acceptOp(")")) {
                    break;
                }
            }
            first = false;
            if (peek().kind() == Kind.NAME && peek(1).isOp("=")) {
                names.add(next().value());
                pos++;
                named.add(expression());
            } else {
                if (!names.isEmpty()) {
                    throw error("positional argument after keyword argument");
                }
                positional.add(expression());
            }
        }
        return new Expr.Args(positional, names, named);
    }

    private Expr filters(Expr node) {
        while (true) {
            if (acceptOp("|")) {
                String name = dottedName();
                Expr.Args args = acceptOp("(") ? arguments() : Expr.Args.NONE;
                node = new Expr.Filter(node, name, args);
            } else if (acceptName("is")) {
                boolean negated = acceptName("not");
                String name = dottedName();
                Expr.Args args = Expr.Args.NONE;
                if (acceptOp("(")) {
                    args = arguments();
                } else if (startsTestArgument(peek())) {
                    args = new Expr.Args(List.of(postfix(primary())), List.of(), List.of());
                }
                node = new Expr.Test(node, name, args, negated);
            } else if (acceptOp("(")) {
                node = new Expr.Call(node, arguments());
            } else {
                return node;
            }
        }
    }

    /** Jinja lets a test take one argument without parentheses: {@code x is equalto 3}. */
    private static boolean startsTestArgument(Token t) {
        return switch (t.kind()) {
            case STRING, INT, FLOAT -> true;
            case NAME -> !Set.of("else", "or", "and", "if", "is", "in", "not").contains(t.value());
            case OP -> t.value().equals("[") || t.value().equals("{") || t.value().equals("-");
            default -> false;
        };
    }

    private String dottedName() {
        StringBuilder sb = new StringBuilder(name());
        while (peek().isOp(".") && peek(1).kind() == Kind.NAME) {
            pos++;
            sb.append('.').append(next().value());
        }
        return sb.toString();
    }

    // ---- token helpers

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.EOF) {
            pos++;
        }
        return t;
    }

    private String name() {
        Token t = next();
        if (t.kind() != Kind.NAME) {
            throw error("expected a name, found '" + t.value() + "'");
        }
        return t.value();
    }

    private boolean acceptOp(String op) {
        if (peek().isOp(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean acceptName(String name) {
        if (peek().isName(name)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expectOp(String op) {
        if (!acceptOp(op)) {
            throw error("expected '" + op + "', found '" + peek().value() + "'");
        }
    }

    private void expectName(String name) {
        if (!acceptName(name)) {
            throw error("expected '" + name + "', found '" + peek().value() + "'");
        }
    }

    private void expect(Kind kind) {
        if (peek().kind() != kind) {
            throw error("expected " + kind + ", found " + peek().kind() + " '" + peek().value() + "'");
        }
        pos++;
    }

    private JinjaException.Syntax error(String message) {
        return new JinjaException.Syntax(message, peek().line());
    }
}
