package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;

/**
 * The PTX shipped in the jar, checked on machines without a GPU: it compiles to machine code
 * with JCuda's bundled PTX compiler, its entry points match {@link KernelCatalog}, and it was
 * generated from the current CUDA sources.
 */
class PtxModulesTest {
    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    static List<String> modules() {
        return KernelCatalog.MODULES;
    }

    @ParameterizedTest
    @MethodSource("modules")
    void compilesForAmpereAndHopper(String module) {
        String ptx = KernelCatalog.ptx(module);
        int target = KernelCatalog.targetComputeCapability(module);
        assertThat(ptx).contains("\n.version 8.0\n").contains("\n.target sm_" + target + "\n");
        List<String> gpus = target < 80 ? List.of("sm_" + target, "sm_80", "sm_90") : List.of("sm_80", "sm_90");
        for (String gpu : gpus) {
            assertThat(compile(ptx, gpu)).as("cubin of %s for %s", module, gpu).hasSizeGreaterThan(1000);
        }
    }

    @ParameterizedTest
    @MethodSource("modules")
    void entryPointsMatchTheLaunchCode(String module) {
        Map<String, List<String>> inPtx = entries(KernelCatalog.ptx(module));
        Map<String, List<String>> inJava = KernelCatalog.ALL.stream()
                .filter(k -> k.module().equals(module))
                .collect(Collectors.toMap(KernelSpec::entry,
                        k -> k.params().stream().map(ParamType::ptxType).toList(), (a, b) -> a, LinkedHashMap::new));
        assertThat(inPtx).isNotEmpty().isEqualTo(inJava);
    }

    @ParameterizedTest
    @MethodSource("modules")
    void wasGeneratedFromTheCurrentSource(String module) throws Exception {
        Path sources = Path.of("src", "main", "cuda");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(sources.resolve("common.cuh")));
        sha.update(Files.readAllBytes(sources.resolve(module + ".cu")));
        String firstLine = KernelCatalog.ptx(module).lines().findFirst().orElseThrow();
        assertThat(firstLine)
                .as("ptx/%s.ptx is stale: run bench/regen-ptx.sh after editing src/main/cuda", module)
                .isEqualTo("// mka1-source-sha256: " + HexFormat.of().formatHex(sha.digest()));
    }

    @org.junit.jupiter.api.Test
    void everyCudaSourceIsACatalogModule() throws IOException {
        try (var files = Files.list(Path.of("src", "main", "cuda"))) {
            List<String> sources = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cu")).map(n -> n.substring(0, n.length() - 3)).sorted().toList();
            assertThat(sources).containsExactlyInAnyOrderElementsOf(KernelCatalog.MODULES);
        }
    }

    @org.junit.jupiter.api.Test
    void parsesEntrySignatures() {
        String ptx = """
                .visible .entry scale_f32(
                \t.param .u64 scale_f32_param_0,
                \t.param .f32 scale_f32_param_1,
                \t.param .u64 scale_f32_param_2
                )
                """;
        assertThat(entries(ptx)).containsExactly(Map.entry("scale_f32", List.of("u64", "f32", "u64")));
    }

    static Map<String, List<String>> entries(String ptx) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Matcher entry = ENTRY.matcher(ptx);
        while (entry.find()) {
            List<String> params = new ArrayList<>();
            Matcher param = PARAM.matcher(entry.group(2));
            while (param.find()) params.add(param.group(1));
            entries.put(entry.group(1), params);
        }
        return entries;
    }

    private static byte[] compile(String ptx, String gpu) {
        byte[] source = (ptx + '\0').getBytes(StandardCharsets.US_ASCII);
        nvPTXCompilerHandle handle = new nvPTXCompilerHandle();
        check(JNvPTXCompiler.nvPTXCompilerCreate(handle, source.length, source), handle, "create");
        try {
            int status = JNvPTXCompiler.nvPTXCompilerCompile(handle, 1, new String[] {"--gpu-name=" + gpu});
            check(status, handle, "compile for " + gpu);
            long[] size = new long[1];
            check(JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(handle, size), handle, "size");
            byte[] cubin = new byte[Math.toIntExact(size[0])];
            check(JNvPTXCompiler.nvPTXCompilerGetCompiledProgram(handle, cubin), handle, "program");
            return cubin;
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(handle);
        }
    }

    private static void check(int status, nvPTXCompilerHandle handle, String step) {
        if (status == nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) return;
        long[] size = new long[1];
        String log = "";
        if (JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(handle, size) == nvPTXCompileResult.NVPTXCOMPILE_SUCCESS && size[0] > 0) {
            byte[] bytes = new byte[Math.toIntExact(size[0])];
            JNvPTXCompiler.nvPTXCompilerGetErrorLog(handle, bytes);
            log = new String(bytes, StandardCharsets.US_ASCII).trim();
        }
        throw new AssertionError("nvPTXCompiler " + step + ": " + nvPTXCompileResult.stringFor(status) + "\n" + log);
    }
}
