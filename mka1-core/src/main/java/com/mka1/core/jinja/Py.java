package com.mka1.core.jinja;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python's value semantics, which leak through Jinja: truthiness, {@code str}/{@code repr},
 * equality (1 == 1.0 == True), arithmetic with its type errors, membership and iteration.
 * Values are null (None), Boolean, Long, Double, String, List, Map, {@link Undefined},
 * {@link Namespace}, {@link LoopInfo} and {@link JinjaCallable}.
 */
final class Py {
    private Py() {}

    /** A {@link Markup} as its plain text; every other value unchanged. */
    static Object plain(Object v) {
        return v instanceof Markup m ? m.text() : v;
    }

    static boolean truthy(Object v) {
        return switch (plain(v)) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    static String typeName(Object v) {
        return switch (plain(v)) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Undefined u -> "Undefined";
            case Namespace n -> "Namespace";
            default -> "function";
        };
    }

    /** {@code str(v)}, as {@code {{ v }}} prints it (undefined prints as ""). */
    static String str(Object v) {
        return switch (plain(v)) {
            case null -> "None";
            case String s -> s;
            case Undefined u -> "";
            default -> repr(v);
        };
    }

    static String repr(Object v) {
        return switch (plain(v)) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Long l -> l.toString();
            case Double d -> floatRepr(d);
            case String s -> Strings.repr(s);
            case List<?> l -> {
                List<String> parts = new ArrayList<>();
                l.forEach(x -> parts.add(repr(x)));
                yield "[" + String.join(", ", parts) + "]";
            }
            case Map<?, ?> m -> {
                List<String> parts = new ArrayList<>();
                m.forEach((k, x) -> parts.add(repr(k) + ": " + repr(x)));
                yield "{" + String.join(", ", parts) + "}";
            }
            case Undefined u -> "";
            case Namespace n -> "<Namespace " + repr(n.attributes) + ">";
            default -> "<function>";
        };
    }

    /** Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static boolean isInteger(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static double toDouble(Object v) {
        return switch (v) {
            case null -> throw new JinjaException.Runtime("a number is required, not NoneType");
            case Long l -> l;
            case Double d -> d;
            case Boolean b -> b ? 1 : 0;
            default -> throw new JinjaException.Runtime("a number is required, not " + typeName(v));
        };
    }

    static long toLong(Object v) {
        return switch (v) {
            case null -> throw new JinjaException.Runtime("'NoneType' object cannot be interpreted as an integer");
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            default -> throw new JinjaException.Runtime("'" + typeName(v) + "' object cannot be interpreted as an integer");
        };
    }

    static boolean eq(Object first, Object second) {
        Object a = plain(first);
        Object b = plain(second);
        if (isNumber(a) && isNumber(b)) {
            return isInteger(a) && isInteger(b) ? toLong(a) == toLong(b) : toDouble(a) == toDouble(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (var e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Undefined && b instanceof Undefined) {
            return true;
        }
        return Objects.equals(a, b) && !(a instanceof Undefined);
    }

    static int compare(Object first, Object second) {
        Object a = plain(first);
        Object b = plain(second);
        if (isNumber(a) && isNumber(b)) {
            return Double.compare(toDouble(a), toDouble(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i));
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw new JinjaException.Runtime("'<' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static int compareCodePoints(String x, String y) {
        int[] a = Strings.codePoints(x);
        int[] b = Strings.codePoints(y);
        return java.util.Arrays.compare(a, b);
    }

    static Object binary(String op, Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.failure();
        }
        if (b instanceof Undefined u) {
            throw u.failure();
        }
        return switch (op) {
            case "+" -> add(a, b);
            case "-" -> arithmetic(op, a, b);
            case "*" -> multiply(a, b);
            case "/" -> {
                double divisor = toDouble(requireNumber(op, a, b));
                if (divisor == 0) {
                    throw new JinjaException.Runtime("division by zero");
                }
                yield toDouble(a) / divisor;
            }
            case "//", "%", "**" -> arithmetic(op, a, b);
            default -> throw new IllegalStateException(op);
        };
    }

    private static Object requireNumber(String op, Object a, Object b) {
        if (!isNumber(a) || !isNumber(b)) {
            throw new JinjaException.Runtime("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '" + typeName(b) + "'");
        }
        return b;
    }

    private static Object add(Object a, Object b) {
        if (a instanceof Markup || b instanceof Markup) {
            return Markup.concat(a, b);
        }
        if (a instanceof String x) {
            if (b instanceof String y) {
                return x + y;
            }
            throw new JinjaException.Runtime("can only concatenate str (not \"" + typeName(b) + "\") to str");
        }
        if (a instanceof List<?> x) {
            if (b instanceof List<?> y) {
                List<Object> joined = new ArrayList<>(x);
                joined.addAll(y);
                return java.util.Collections.unmodifiableList(joined);
            }
            throw new JinjaException.Runtime("can only concatenate list (not \"" + typeName(b) + "\") to list");
        }
        return arithmetic("+", a, b);
    }

    private static Object multiply(Object a, Object b) {
        if (a instanceof String s && isInteger(b)) {
            return s.repeat((int) Math.max(0, toLong(b)));
        }
        if (b instanceof String s && isInteger(a)) {
            return s.repeat((int) Math.max(0, toLong(a)));
        }
        if (a instanceof List<?> l && isInteger(b)) {
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < toLong(b); i++) {
                out.addAll(l);
            }
            return java.util.Collections.unmodifiableList(out);
        }
        return arithmetic("*", a, b);
    }

    private static Object arithmetic(String op, Object a, Object b) {
        requireNumber(op, a, b);
        if (isInteger(a) && isInteger(b)) {
            long x = toLong(a);
            long y = toLong(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "//" -> {
                    if (y == 0) {
                        throw new JinjaException.Runtime("integer division or modulo by zero");
                    }
                    yield Math.floorDiv(x, y);
                }
                case "%" -> {
                    if (y == 0) {
                        throw new JinjaException.Runtime("integer division or modulo by zero");
                    }
                    yield Math.floorMod(x, y);
                }
                case "**" -> y >= 0 ? (Object) pow(x, y) : Math.pow(x, y);
                default -> throw new IllegalStateException(op);
            };
        }
        double x = toDouble(a);
        double y = toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "//" -> Math.floor(x / y);
            case "%" -> x - Math.floor(x / y) * y;
            case "**" -> Math.pow(x, y);
            default -> throw new IllegalStateException(op);
        };
    }

    private static long pow(long base, long exp) {
        long result = 1;
        for (long i = 0; i < exp; i++) {
            result *= base;
        }
        return result;
    }

    static Object negate(Object v) {
        return switch (v) {
            case null -> throw new JinjaException.Runtime("bad operand type for unary -: 'NoneType'");
            case Long l -> -l;
            case Double d -> -d;
            case Boolean b -> b ? -1L : 0L;
            case Undefined u -> throw u.failure();
            default -> throw new JinjaException.Runtime("bad operand type for unary -: '" + typeName(v) + "'");
        };
    }

    /** {@code item in container}. */
    static boolean contains(Object container, Object element) {
        Object item = plain(element);
        return switch (plain(container)) {
            case null -> throw new JinjaException.Runtime("argument of type 'NoneType' is not iterable");
            case String s -> {
                if (!(item instanceof String sub)) {
                    throw new JinjaException.Runtime("'in <string>' requires string as left operand, not " + typeName(item));
                }
                yield s.contains(sub);
            }
            case List<?> l -> l.stream().anyMatch(x -> eq(x, item));
            case Map<?, ?> m -> m.keySet().stream().anyMatch(k -> eq(k, item));
            case Undefined u -> false;
            default -> throw new JinjaException.Runtime("argument of type '" + typeName(container) + "' is not iterable");
        };
    }

    /** The items a for loop or filter walks: list items, dict keys, string characters; undefined is empty. */
    static List<Object> iterate(Object v) {
        return switch (plain(v)) {
            case null -> throw new JinjaException.Runtime("'NoneType' object is not iterable");
            case List<?> l -> new ArrayList<>(l);
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case String s -> {
                List<Object> chars = new ArrayList<>();
                s.codePoints().forEach(c -> chars.add(Character.toString(c)));
                yield chars;
            }
            case Undefined u -> new ArrayList<>();
            default -> throw new JinjaException.Runtime("'" + typeName(v) + "' object is not iterable");
        };
    }

    static long length(Object v) {
        return switch (plain(v)) {
            case null -> throw new JinjaException.Runtime("object of type 'NoneType' has no len()");
            case String s -> Strings.length(s);
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            default -> throw new JinjaException.Runtime("object of type '" + typeName(v) + "' has no len()");
        };
    }
}
