package com.mka1.core.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Walks a parsed template: executes statements into a string builder and evaluates expressions. */
final class Renderer {
    private enum Flow { NORMAL, BREAK, CONTINUE }

    private Renderer() {}

    static String render(List<Node> nodes, Scope scope) {
        StringBuilder out = new StringBuilder();
        if (execute(nodes, scope, out) != Flow.NORMAL) {
            throw new JinjaException.Runtime("break or continue outside a loop");
        }
        return out.toString();
    }

    private static Flow execute(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node node : nodes) {
            Flow flow = execute(node, scope, out);
            if (flow != Flow.NORMAL) {
                return flow;
            }
        }
        return Flow.NORMAL;
    }

    private static Flow execute(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case Node.Text t -> out.append(t.text());
            case Node.Output o -> out.append(Py.str(eval(o.value(), scope)));
            case Node.If i -> {
                for (int k = 0; k < i.tests().size(); k++) {
                    if (Py.truthy(eval(i.tests().get(k), scope))) {
                        return execute(i.bodies().get(k), scope, out);
                    }
                }
                return execute(i.otherwise(), scope, out);
            }
            case Node.For f -> {
                return loop(f, scope, out);
            }
            case Node.Set s -> assign(s, scope);
            case Node.SetBlock s -> scope.set(s.target(), render(s.body(), new Scope(scope)));
            case Node.Macro m -> scope.set(m.name(), macro(m, scope));
            case Node.Generation g -> {
                return execute(g.body(), scope, out);
            }
            case Node.Break b -> {
                return Flow.BREAK;
            }
            case Node.Continue c -> {
                return Flow.CONTINUE;
            }
        }
        return Flow.NORMAL;
    }

    private static Flow loop(Node.For f, Scope scope, StringBuilder out) {
        Object iterable = eval(f.iterable(), scope);
        List<Object> items = new ArrayList<>();
        for (Object item : Py.iterate(iterable)) {
            if (f.filter() == null) {
                items.add(item);
                continue;
            }
            Scope probe = new Scope(scope);
            bind(f.targets(), item, probe);
            if (Py.truthy(eval(f.filter(), probe))) {
                items.add(item);
            }
        }
        for (int i = 0; i < items.size(); i++) {
            Scope body = new Scope(scope);
            bind(f.targets(), items.get(i), body);
            body.set("loop", new LoopInfo(items, i));
            if (execute(f.body(), body, out) == Flow.BREAK) {
                break;
            }
        }
        if (items.isEmpty()) {
            execute(f.otherwise(), new Scope(scope), out);
        }
        return Flow.NORMAL;
    }

    private static void bind(List<String> targets, Object value, Scope scope) {
        if (targets.size() == 1) {
            scope.set(targets.getFirst(), value);
            return;
        }
        List<Object> parts = Py.iterate(value);
        if (parts.size() != targets.size()) {
            throw new JinjaException.Runtime("cannot unpack " + parts.size() + " values into " + targets.size() + " names");
        }
        for (int i = 0; i < targets.size(); i++) {
            scope.set(targets.get(i), parts.get(i));
        }
    }

    private static void assign(Node.Set s, Scope scope) {
        Object value = eval(s.value(), scope);
        if (s.attribute() == null) {
            bind(s.targets(), value, scope);
            return;
        }
        Object target = scope.get(s.targets().getFirst());
        if (!(target instanceof Namespace ns)) {
            throw new JinjaException.Runtime("cannot assign attribute on non-namespace object");
        }
        ns.attributes.put(s.attribute(), value);
    }

    private static JinjaCallable macro(Node.Macro m, Scope defining) {
        return (args, kwargs) -> {
            if (args.size() > m.params().size()) {
                throw new JinjaException.Runtime("macro '" + m.name() + "' takes not more than " + m.params().size() + " argument(s)");
            }
            Scope call = new Scope(defining);
            for (int i = 0; i < m.params().size(); i++) {
                String param = m.params().get(i);
                if (i < args.size()) {
                    call.set(param, args.get(i));
                } else if (kwargs.containsKey(param)) {
                    call.set(param, kwargs.get(param));
                } else if (m.defaults().get(i) != null) {
                    call.set(param, eval(m.defaults().get(i), call));
                } else {
                    call.set(param, new Undefined("'" + param + "'"));
                }
            }
            for (String name : kwargs.keySet()) {
                if (!m.params().contains(name)) {
                    throw new JinjaException.Runtime("macro '" + m.name() + "' takes no keyword argument '" + name + "'");
                }
            }
            return render(m.body(), call);
        };
    }

    // ---- expressions

    static Object eval(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Literal l -> l.value();
            case Expr.Name n -> scope.get(n.name());
            case Expr.ListLiteral l -> {
                List<Object> items = new ArrayList<>();
                l.items().forEach(x -> items.add(eval(x, scope)));
                yield Collections.unmodifiableList(items);
            }
            case Expr.DictLiteral d -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    map.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                }
                yield Collections.unmodifiableMap(map);
            }
            case Expr.Attribute a -> Access.attribute(eval(a.object(), scope), a.name());
            case Expr.Item i -> Access.item(eval(i.object(), scope), eval(i.key(), scope));
            case Expr.Slice s -> Access.slice(eval(s.object(), scope), evalOrNull(s.start(), scope), evalOrNull(s.stop(), scope),
                    evalOrNull(s.step(), scope));
            case Expr.Call c -> call(eval(c.callee(), scope), c.args(), scope);
            case Expr.Filter f -> Filters.apply(f.name(), eval(f.value(), scope), positional(f.args(), scope), named(f.args(), scope));
            case Expr.Test t -> Tests.apply(t.name(), eval(t.value(), scope), positional(t.args(), scope)) != t.negated();
            case Expr.Binary b -> binary(b, scope);
            case Expr.And a -> {
                Object left = eval(a.left(), scope);
                yield Py.truthy(left) ? eval(a.right(), scope) : left;
            }
            case Expr.Or o -> {
                Object left = eval(o.left(), scope);
                yield Py.truthy(left) ? left : eval(o.right(), scope);
            }
            case Expr.Not n -> !Py.truthy(eval(n.operand(), scope));
            case Expr.Negate n -> Py.negate(eval(n.operand(), scope));
            case Expr.Conditional c -> Py.truthy(eval(c.test(), scope)) ? eval(c.then(), scope)
                    : c.otherwise() == null ? new Undefined("the else branch of an inline if") : eval(c.otherwise(), scope);
        };
    }

    private static Object evalOrNull(Expr e, Scope scope) {
        if (e == null) {
            return null;
        }
        Object v = eval(e, scope);
        return v instanceof Undefined ? null : v;
    }

    private static Object binary(Expr.Binary b, Scope scope) {
        Object left = eval(b.left(), scope);
        Object right = eval(b.right(), scope);
        return switch (b.op()) {
            case "~" -> Py.str(left) + Py.str(right);
            case "==" -> Py.eq(left, right);
            case "!=" -> !Py.eq(left, right);
            case "<" -> Py.compare(left, right) < 0;
            case ">" -> Py.compare(left, right) > 0;
            case "<=" -> Py.compare(left, right) <= 0;
            case ">=" -> Py.compare(left, right) >= 0;
            case "in" -> Py.contains(right, left);
            case "not in" -> !Py.contains(right, left);
            default -> Py.binary(b.op(), left, right);
        };
    }

    private static Object call(Object callee, Expr.Args args, Scope scope) {
        if (callee instanceof JinjaCallable f) {
            return f.call(positional(args, scope), named(args, scope));
        }
        if (callee instanceof Undefined u) {
            throw u.failure();
        }
        throw new JinjaException.Runtime("'" + Py.typeName(callee) + "' object is not callable");
    }

    private static List<Object> positional(Expr.Args args, Scope scope) {
        List<Object> values = new ArrayList<>(args.positional().size());
        args.positional().forEach(x -> values.add(eval(x, scope)));
        return values;
    }

    private static Map<String, Object> named(Expr.Args args, Scope scope) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < args.names().size(); i++) {
            values.put(args.names().get(i), eval(args.named().get(i), scope));
        }
        return values;
    }
}
