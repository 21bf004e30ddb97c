package com.mka1.core.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A chat template compiled once and rendered many times, as transformers' {@code
 * apply_chat_template} renders it: Jinja with {@code trim_blocks} and {@code lstrip_blocks}, an
 * immutable sandbox, lenient undefined values, loop controls, the {@code generation} block tag,
 * and the globals {@code raise_exception}, {@code strftime_now}, {@code namespace} and {@code range}.
 * Context values are null (None), Boolean, Long, Double, String, List and Map (see {@link PyJson#parse}).
 */
public final class JinjaTemplate {
    private final List<Node> nodes;

    private JinjaTemplate(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Parses template text; a syntax error throws {@link JinjaException.Syntax}. */
    public static JinjaTemplate parse(String text) {
        return new JinjaTemplate(Parser.parse(text));
    }

    /**
     * Renders with the given variables; {@code strftime} answers {@code strftime_now(format)}.
     * Throws {@link JinjaException.Raised} when the template calls {@code raise_exception} and
     * {@link JinjaException.Runtime} when evaluation fails.
     */
    public String render(Map<String, ?> context, Strftime strftime) {
        Scope globals = new Scope(null);
        globals.set("raise_exception", (JinjaCallable) (args, kwargs) -> {
            throw new JinjaException.Raised(args.isEmpty() ? "" : Py.str(args.getFirst()));
        });
        globals.set("strftime_now", (JinjaCallable) (args, kwargs) -> strftime.format(Py.str(new CallArgs("strftime_now", args, kwargs)
                .required(0, "format"))));
        globals.set("namespace", (JinjaCallable) (args, kwargs) -> {
            Namespace ns = new Namespace();
            ns.attributes.putAll(kwargs);
            return ns;
        });
        globals.set("range", (JinjaCallable) (args, kwargs) -> range(args));
        globals.set("dict", (JinjaCallable) (args, kwargs) -> Collections.unmodifiableMap(new java.util.LinkedHashMap<Object, Object>(kwargs)));
        Scope scope = new Scope(globals);
        context.forEach(scope::set);
        return Renderer.render(nodes, scope);
    }

    /** Formats the current time for {@code strftime_now} with a Python strftime format. */
    @FunctionalInterface
    public interface Strftime {
        String format(String pythonFormat);
    }

    private static List<Object> range(List<Object> args) {
        long start = 0;
        long stop;
        long step = 1;
        switch (args.size()) {
            case 1 -> stop = Py.toLong(args.getFirst());
            case 2, 3 -> {
                start = Py.toLong(args.get(0));
                stop = Py.toLong(args.get(1));
                step = args.size() == 3 ? Py.toLong(args.get(2)) : 1;
            }
            default -> throw new JinjaException.Runtime("range expected 1 to 3 arguments, got " + args.size());
        }
        if (step == 0) {
            throw new JinjaException.Runtime("range() arg 3 must not be zero");
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            out.add(i);
        }
        return Collections.unmodifiableList(out);
    }
}
