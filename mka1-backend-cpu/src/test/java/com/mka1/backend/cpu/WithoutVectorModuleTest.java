package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Starts a JVM without {@code --add-modules jdk.incubator.vector} and checks that the backend
 * still opens, computes correctly with scalar loops, and logs once how to enable SIMD.
 */
class WithoutVectorModuleTest {

    /** Run in the child JVM: two small matmuls, then prints the description and the result. */
    public static void main(String[] args) {
        ComputeBackend cpu = ServiceLoader.load(ComputeBackend.class).stream().map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals("cpu")).findFirst().orElseThrow();
        for (int round = 0; round < 2; round++) {
            try (ComputeDevice device = cpu.open(new BackendOptions(2, 0, java.util.Map.of()))) {
                Tensor a = device.upload(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                Tensor b = device.upload(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
                Tensor c = device.allocate(DType.F32, 2, 2);
                device.kernels().matmul(c, a, b, 2, 2, 3, false, false, 1f, false);
                System.out.println(device.description() + " -> " + java.util.Arrays.toString(device.download(c)));
            }
        }
    }

    @Test
    void fallsBackToScalarLoopsAndSaysOnceHowToEnableSimd() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                WithoutVectorModuleTest.class.getName()))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(l -> l.startsWith("scalar loops")).toList()).containsExactly(
                "scalar loops (Vector API not enabled), 2 threads -> [4.0, 5.0, 10.0, 11.0]",
                "scalar loops (Vector API not enabled), 2 threads -> [4.0, 5.0, 10.0, 11.0]");
        assertThat(output.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).count()).isEqualTo(1);
        assertThat(output).contains("CPU backend: the jdk.incubator.vector module is not enabled; falling back to scalar loops");
    }
}
