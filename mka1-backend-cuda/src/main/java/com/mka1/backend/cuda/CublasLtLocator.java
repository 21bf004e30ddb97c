package com.mka1.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds cuBLASLt (CUDA 13 or 12) without a CUDA toolkit install being required. In order:
 * <ol>
 *   <li>{@code MKA1_CUBLASLT}: an explicit file (an error, not a fall-through, when it is missing);</li>
 *   <li>{@code libcublasLt.so.13}, then {@code .12}, in each of {@code LD_LIBRARY_PATH},
 *       {@code CUDA_HOME}/{@code CUDA_PATH} {@code lib64}, {@code /usr/local/cuda/lib64}, then
 *       {@code /usr/local/cuda-*}{@code /lib64} newest first, then the system library folders;</li>
 *   <li>inside an installed {@code nvidia-cublas} Python wheel: {@code site-packages/nvidia/cu13/lib}
 *       (CUDA 13 wheels) or {@code site-packages/nvidia/cublas/lib} (cu12 wheels), under
 *       {@code PYTHONPATH}, {@code VIRTUAL_ENV}, {@code CONDA_PREFIX} and the usual Python prefixes.</li>
 * </ol>
 * Everything it reads comes in through {@link Places}, so tests point it at temporary folders.
 */
final class CublasLtLocator {
    static final String ENV = "MKA1_CUBLASLT";
    static final List<String> NAMES = List.of("libcublasLt.so.13", "libcublasLt.so.12");
    private static final List<String> WHEEL_LIB_DIRS = List.of("nvidia/cu13/lib", "nvidia/cublas/lib", "nvidia/cu12/lib");

    private CublasLtLocator() {}

    /** What the search found. */
    sealed interface Result {
        /** A library file and how it was found (for the backend's description and logs). */
        record Found(Path library, String source) implements Result {}

        /** Nothing usable; the reason names what was searched. */
        record NotFound(String reason) implements Result {}
    }

    /**
     * The inputs of a search: the environment, the CUDA install roots ({@code /usr/local}), the
     * system library folders, and the prefixes whose {@code lib/python3.*} folders hold wheels.
     */
    record Places(Map<String, String> env, List<Path> cudaRoots, List<Path> systemLibDirs, List<Path> pythonPrefixes) {
        Places {
            env = Map.copyOf(env);
            cudaRoots = List.copyOf(cudaRoots);
            systemLibDirs = List.copyOf(systemLibDirs);
            pythonPrefixes = List.copyOf(pythonPrefixes);
        }

        /** This machine's environment and standard folders. */
        static Places system() {
            String home = System.getProperty("user.home", "/root");
            return new Places(System.getenv(), List.of(Path.of("/usr/local")),
                    List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"),
                            Path.of("/usr/lib")),
                    List.of(Path.of(home, ".local"), Path.of("/usr/local"), Path.of("/usr"), Path.of("/opt/conda")));
        }
    }

    static Result locate(Places places) {
        String explicit = places.env().get(ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path file = Path.of(explicit);
            return Files.isRegularFile(file) ? new Result.Found(file, ENV)
                    : new Result.NotFound(ENV + "=" + explicit + " is not a file");
        }
        Set<Path> searched = new LinkedHashSet<>();
        for (Path dir : libraryDirs(places)) {
            Path found = firstNamed(dir, searched);
            if (found != null) return new Result.Found(found, "library folder " + dir);
        }
        for (Path site : sitePackages(places)) {
            for (String sub : WHEEL_LIB_DIRS) {
                Path dir = site.resolve(sub);
                Path found = firstNamed(dir, searched);
                if (found != null) return new Result.Found(found, "Python wheel " + dir);
            }
        }
        List<Path> existing = searched.stream().filter(Files::isDirectory).toList();
        return new Result.NotFound(String.join(" or ", NAMES) + " not found (set " + ENV
                + " to the file, or install cuBLAS of CUDA 12/13 or the nvidia-cublas Python wheel); searched "
                + searched.size() + " folders" + (existing.isEmpty() ? "" : ", of which exist: " + existing));
    }

    private static Path firstNamed(Path dir, Set<Path> searched) {
        if (!searched.add(dir)) return null;
        for (String name : NAMES) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) return file;
        }
        return null;
    }

    /** LD_LIBRARY_PATH, CUDA_HOME, CUDA_PATH, /usr/local/cuda, /usr/local/cuda-X.Y newest first, system folders. */
    static List<Path> libraryDirs(Places places) {
        List<Path> dirs = new ArrayList<>();
        for (String entry : pathList(places.env().get("LD_LIBRARY_PATH"))) dirs.add(Path.of(entry));
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String value = places.env().get(var);
            if (value != null && !value.isBlank()) dirs.add(Path.of(value, "lib64"));
        }
        for (Path root : places.cudaRoots()) {
            dirs.add(root.resolve("cuda/lib64"));
            for (Path versioned : children(root, "cuda-")) dirs.add(versioned.resolve("lib64"));
        }
        dirs.addAll(places.systemLibDirs());
        return dirs;
    }

    /** Folders that may hold wheels: PYTHONPATH entries, then site-packages and dist-packages under lib/python3.x of each prefix. */
    static List<Path> sitePackages(Places places) {
        List<Path> sites = new ArrayList<>();
        for (String entry : pathList(places.env().get("PYTHONPATH"))) sites.add(Path.of(entry));
        List<Path> prefixes = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String value = places.env().get(var);
            if (value != null && !value.isBlank()) prefixes.add(Path.of(value));
        }
        prefixes.addAll(places.pythonPrefixes());
        for (Path prefix : prefixes) {
            for (Path python : children(prefix.resolve("lib"), "python3")) {
                sites.add(python.resolve("site-packages"));
                sites.add(python.resolve("dist-packages"));
            }
        }
        return sites;
    }

    private static List<String> pathList(String value) {
        if (value == null || value.isBlank()) return List.of();
        return Stream.of(value.split(":")).filter(s -> !s.isBlank()).toList();
    }

    /** Sub-folders of {@code dir} whose names start with {@code prefix}, highest version first. */
    private static List<Path> children(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> versionKey(p.getFileName().toString().substring(prefix.length())))
                            .reversed())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** "12.4" -> sortable key; non-numeric parts sort first. */
    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("\\.")) {
            String digits = part.replaceAll("\\D", "");
            key.append(String.format("%06d", digits.isEmpty() ? 0 : Integer.parseInt(digits.substring(0, Math.min(6, digits.length())))));
        }
        return key.toString();
    }
}
