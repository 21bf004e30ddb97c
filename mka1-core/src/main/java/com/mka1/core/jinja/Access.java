package com.mka1.core.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code obj.name}, {@code obj[key]} and slices with Jinja's sandboxed lookup rules: attribute
 * syntax tries a method first and then the key, subscripts the key first; a missing entry is
 * undefined; reading from undefined fails.
 */
final class Access {
    private Access() {}

    static Object attribute(Object target, String name) {
        Object obj = Py.plain(target);
        return switch (obj) {
            case null -> new Undefined("'None' has no attribute '" + name + "'; it");
            case Undefined u -> throw new JinjaException.Runtime(u.hint() + " has no attribute '" + name + "'");
            case Namespace ns -> ns.attributes.containsKey(name) ? ns.attributes.get(name) : new Undefined("namespace." + name);
            case LoopInfo loop -> loop.attribute(name);
            case Map<?, ?> map -> {
                JinjaCallable method = Methods.of(map, name);
                if (method != null) {
                    yield method;
                }
                yield map.containsKey(name) ? map.get(name) : new Undefined("'dict object' has no attribute '" + name + "'; it");
            }
            default -> {
                JinjaCallable method = Methods.of(obj, name);
                yield method != null ? method : new Undefined("'" + Py.typeName(obj) + " object' has no attribute '" + name + "'; it");
            }
        };
    }

    static Object item(Object target, Object key) {
        Object obj = Py.plain(target);
        switch (obj) {
            case null -> {
                return new Undefined("'None' has no item " + Py.repr(key) + "; it");
            }
            case Undefined u -> throw new JinjaException.Runtime(u.hint() + " has no item " + Py.repr(key));
            case Map<?, ?> map -> {
                for (var e : map.entrySet()) {
                    if (Py.eq(e.getKey(), key)) {
                        return e.getValue();
                    }
                }
            }
            case List<?> list when Py.isInteger(key) -> {
                long i = Py.toLong(key);
                long at = i < 0 ? list.size() + i : i;
                return at >= 0 && at < list.size() ? list.get((int) at) : new Undefined("list index " + i);
            }
            case String s when Py.isInteger(key) -> {
                int[] cps = Strings.codePoints(s);
                long i = Py.toLong(key);
                long at = i < 0 ? cps.length + i : i;
                return at >= 0 && at < cps.length ? Character.toString(cps[(int) at]) : new Undefined("string index " + i);
            }
            default -> {}
        }
        return key instanceof String name && !(obj instanceof Map) ? attribute(obj, name) : new Undefined("item " + Py.repr(key));
    }

    static Object slice(Object obj, Object start, Object stop, Object step) {
        long st = step == null ? 1 : Py.toLong(step);
        if (st == 0) {
            throw new JinjaException.Runtime("slice step cannot be zero");
        }
        return switch (Py.plain(obj)) {
            case null -> throw new JinjaException.Runtime("'NoneType' object is not subscriptable");
            case List<?> list -> {
                List<Object> out = new ArrayList<>();
                for (int i : indices(list.size(), start, stop, st)) {
                    out.add(list.get(i));
                }
                yield Collections.unmodifiableList(out);
            }
            case String s -> {
                int[] cps = Strings.codePoints(s);
                StringBuilder sb = new StringBuilder();
                for (int i : indices(cps.length, start, stop, st)) {
                    sb.appendCodePoint(cps[i]);
                }
                yield sb.toString();
            }
            case Undefined u -> throw u.failure();
            default -> throw new JinjaException.Runtime("'" + Py.typeName(obj) + "' object is not subscriptable");
        };
    }

    /** The indices Python's {@code slice(start, stop, step).indices(n)} walks. */
    private static List<Integer> indices(int n, Object start, Object stop, long step) {
        long lo;
        long hi;
        if (step > 0) {
            lo = start == null ? 0 : clamp(Py.toLong(start), n, 0, n);
            hi = stop == null ? n : clamp(Py.toLong(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(Py.toLong(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(Py.toLong(stop), n, -1, n - 1);
        }
        List<Integer> out = new ArrayList<>();
        for (long i = lo; step > 0 ? i < hi : i > hi; i += step) {
            out.add((int) i);
        }
        return out;
    }

    private static long clamp(long i, int n, long min, long max) {
        long at = i < 0 ? i + n : i;
        return Math.max(min, Math.min(max, at));
    }
}
