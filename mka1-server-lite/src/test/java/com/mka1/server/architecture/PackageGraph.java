package com.mka1.server.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependencies inside one compiled module, read from its class files' constant pools
 * (class references, and the types named in field, method and generic signatures) with the JDK's
 * class-file API. Only packages of {@code com.mka1} count; a package's edges to itself are dropped.
 */
final class PackageGraph {
    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L(com/mka1/[\\w/$]+)[;<]");

    /** package -> package -> the class-level references that make the edge ("From -> To"). */
    private final Map<String, Map<String, Set<String>>> edges = new TreeMap<>();

    private PackageGraph() {}

    /** The graph of the classes under the jar or directory that {@code member} was loaded from. */
    static PackageGraph ofModuleContaining(Class<?> member) {
        try {
            Path location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) return of(location);
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                return of(jar.getPath("/"));
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no class location for " + member, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PackageGraph of(Path root) throws IOException {
        PackageGraph graph = new PackageGraph();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class")).toList()) {
                graph.add(ClassFile.of().parse(Files.readAllBytes(file)));
            }
        }
        return graph;
    }

    private void add(ClassModel model) {
        String self = model.thisClass().asInternalName();
        Set<String> referenced = new TreeSet<>();
        for (PoolEntry entry : model.constantPool()) {
            switch (entry) {
                case ClassEntry c when !c.asInternalName().startsWith("[") -> referenced.add(c.asInternalName());
                case ClassEntry c -> collect(c.asInternalName(), referenced);
                case Utf8Entry u -> collect(u.stringValue(), referenced);
                default -> { }
            }
        }
        String from = packageOf(self);
        edges.computeIfAbsent(from, p -> new TreeMap<>());
        for (String type : referenced) {
            if (!type.startsWith("com/mka1/") || packageOf(type).equals(from)) continue;
            edges.get(from).computeIfAbsent(packageOf(type), p -> new TreeSet<>()).add(simple(self) + " -> " + simple(type));
        }
    }

    private static void collect(String text, Set<String> into) {
        Matcher m = DESCRIPTOR_TYPE.matcher(text);
        while (m.find()) into.add(m.group(1));
    }

    /** Packages of this module (those with at least one class). */
    Set<String> packages() {
        return edges.keySet();
    }

    /** The classes that make {@code from} depend on {@code to}; empty when it does not. */
    Set<String> reasons(String from, String to) {
        return edges.getOrDefault(from, Map.of()).getOrDefault(to, Set.of());
    }

    /** Every set of two or more packages of this module that depend on each other (Tarjan's strongly connected components). */
    List<Set<String>> cycles() {
        List<Set<String>> found = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        for (String p : edges.keySet()) {
            if (!index.containsKey(p)) connect(p, index, low, stack, onStack, found);
        }
        return found;
    }

    private void connect(String p, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                         Set<String> onStack, List<Set<String>> found) {
        index.put(p, index.size());
        low.put(p, index.get(p));
        stack.push(p);
        onStack.add(p);
        for (String q : edges.getOrDefault(p, Map.of()).keySet()) {
            if (!edges.containsKey(q)) continue; // another module's package
            if (!index.containsKey(q)) {
                connect(q, index, low, stack, onStack, found);
                low.put(p, Math.min(low.get(p), low.get(q)));
            } else if (onStack.contains(q)) {
                low.put(p, Math.min(low.get(p), index.get(q)));
            }
        }
        if (low.get(p).equals(index.get(p))) {
            Set<String> component = new TreeSet<>();
            String q;
            do {
                q = stack.pop();
                onStack.remove(q);
                component.add(q);
            } while (!q.equals(p));
            if (component.size() > 1) found.add(component);
        }
    }

    /** A readable account of a cycle: each edge inside it with the classes that make it. */
    String describe(Set<String> cycle) {
        StringBuilder text = new StringBuilder();
        for (String from : cycle) {
            for (String to : cycle) {
                Set<String> why = reasons(from, to);
                if (!why.isEmpty()) text.append("\n  ").append(from).append(" -> ").append(to).append("  ").append(why);
            }
        }
        return text.toString();
    }

    private static String packageOf(String internalName) {
        return internalName.substring(0, internalName.lastIndexOf('/')).replace('/', '.');
    }

    private static String simple(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }
}
