package com.mka1.server.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.facade.Mka1;
import com.mka1.core.EmbeddedMka1;
import com.mka1.server.cli.Main;
import com.mka1.spi.ComputeBackend;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dependencies between packages point one way: no module has a package cycle, and the engine's
 * layers keep their order (train -> model -> compute -> spi; data and tokenizer below train).
 */
class PackageDependenciesTest {
    /** One class of each module: the api, the engine, the server, and every installed backend. */
    static Stream<Class<?>> modules() {
        List<Class<?>> backends = ServiceLoader.load(ComputeBackend.class).stream()
                .<Class<?>>map(ServiceLoader.Provider::type).toList();
        assertThat(backends).extracting(Class::getName)
                .contains("com.mka1.backend.cpu.CpuBackend", "com.mka1.backend.cuda.CudaBackend");
        return Stream.concat(Stream.of(Mka1.class, EmbeddedMka1.class, Main.class), backends.stream());
    }

    @ParameterizedTest
    @MethodSource("modules")
    void noModuleHasAPackageCycle(Class<?> member) {
        PackageGraph graph = PackageGraph.ofModuleContaining(member);
        assertThat(graph.packages()).isNotEmpty();
        assertThat(graph.cycles()).as(() -> "package cycles in the module of " + member.getName() + ":"
                + graph.cycles().stream().map(graph::describe).reduce("", String::concat)).isEmpty();
    }

    @Test
    void theEngineLayersPointOneWay() {
        PackageGraph core = PackageGraph.ofModuleContaining(EmbeddedMka1.class);
        assertThat(core.packages()).contains("com.mka1.core.model", "com.mka1.core.train", "com.mka1.core.registry",
                "com.mka1.core.tokenizer", "com.mka1.core.data", "com.mka1.core.compute");
        String[][] forbidden = {
                {"model", "train"}, {"model", "train.loop"}, {"model", "registry"}, {"compute", "model"},
                {"data", "train"}, {"tokenizer", "safetensors"}, {"tokenizer", "model"}, {"safetensors", "model"},
                {"train", "train.loop"}, {"train", "train.llama"}, {"train.loop", "train.llama"},
                {"train.optim", "train"}, {"train.data", "train"},
        };
        for (String[] edge : forbidden) {
            String from = "com.mka1.core." + edge[0];
            String to = "com.mka1.core." + edge[1];
            assertThat(core.reasons(from, to)).as(from + " must not depend on " + to).isEmpty();
        }
        assertThat(core.reasons("com.mka1.core.train.llama", "com.mka1.core.model")).isNotEmpty(); // the check sees real edges
    }
}
