package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mka1.backend.cuda.CublasLtLocator.Places;
import com.mka1.backend.cuda.CublasLtLocator.Result;

/** The cuBLASLt search order, on temporary folders holding empty stand-in files. */
class CublasLtLocatorTest {
    @TempDir
    Path tmp;

    private Path file(String relative) throws IOException {
        Path f = tmp.resolve(relative);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, "");
    }

    private Places places(Map<String, String> env) {
        return new Places(env, List.of(tmp.resolve("usr-local")), List.of(tmp.resolve("system-lib")), List.of(tmp.resolve("py")));
    }

    @Test
    void explicitPathWinsOverEverythingElse() throws IOException {
        Path explicit = file("custom/libcublasLt.so.12.9.1");
        file("ld/libcublasLt.so.13");
        Result r = CublasLtLocator.locate(places(Map.of(CublasLtLocator.ENV, explicit.toString(),
                "LD_LIBRARY_PATH", tmp.resolve("ld").toString())));
        assertThat(r).isEqualTo(new Result.Found(explicit, "MKA1_CUBLASLT"));
    }

    @Test
    void aMissingExplicitPathIsAnErrorNotAFallThrough() throws IOException {
        file("ld/libcublasLt.so.13");
        Result r = CublasLtLocator.locate(places(Map.of(CublasLtLocator.ENV, tmp.resolve("nope.so").toString(),
                "LD_LIBRARY_PATH", tmp.resolve("ld").toString())));
        assertThat(r).isEqualTo(new Result.NotFound("MKA1_CUBLASLT=" + tmp.resolve("nope.so") + " is not a file"));
    }

    @Test
    void libraryPathInOrderThenCudaHomeThenNewestCudaInstall() throws IOException {
        file("a/libcublasLt.so.12");
        Path b13 = file("b/libcublasLt.so.13");
        file("b/libcublasLt.so.12");
        String ld = tmp.resolve("empty") + ":" + tmp.resolve("a") + ":" + tmp.resolve("b");
        // the first folder of LD_LIBRARY_PATH that has either name wins; within a folder .13 before .12
        assertThat(CublasLtLocator.locate(places(Map.of("LD_LIBRARY_PATH", ld))))
                .isEqualTo(new Result.Found(tmp.resolve("a/libcublasLt.so.12"), "library folder " + tmp.resolve("a")));
        assertThat(CublasLtLocator.locate(places(Map.of("LD_LIBRARY_PATH", tmp.resolve("b").toString()))))
                .isEqualTo(new Result.Found(b13, "library folder " + tmp.resolve("b")));

        Path home = file("toolkit/lib64/libcublasLt.so.12");
        file("usr-local/cuda-12.4/lib64/libcublasLt.so.12");
        Path newest = file("usr-local/cuda-13.0/lib64/libcublasLt.so.13");
        file("usr-local/cuda-12.10/lib64/libcublasLt.so.12");
        assertThat(CublasLtLocator.locate(places(Map.of("CUDA_HOME", tmp.resolve("toolkit").toString()))))
                .isEqualTo(new Result.Found(home, "library folder " + tmp.resolve("toolkit/lib64")));
        assertThat(CublasLtLocator.locate(places(Map.of())))
                .isEqualTo(new Result.Found(newest, "library folder " + tmp.resolve("usr-local/cuda-13.0/lib64")));
        // /usr/local/cuda (the symlink a toolkit install makes) comes before the versioned folders
        Path symlinked = file("usr-local/cuda/lib64/libcublasLt.so.12");
        assertThat(CublasLtLocator.locate(places(Map.of()))).extracting(f -> ((Result.Found) f).library()).isEqualTo(symlinked);
        assertThat(CublasLtLocator.libraryDirs(places(Map.of()))).containsSubsequence(tmp.resolve("usr-local/cuda/lib64"),
                tmp.resolve("usr-local/cuda-13.0/lib64"), tmp.resolve("usr-local/cuda-12.10/lib64"),
                tmp.resolve("usr-local/cuda-12.4/lib64"), tmp.resolve("system-lib"));
    }

    @Test
    void systemFoldersBeforeWheels() throws IOException {
        Path system = file("system-lib/libcublasLt.so.12");
        file("py/lib/python3.12/site-packages/nvidia/cu13/lib/libcublasLt.so.13");
        assertThat(CublasLtLocator.locate(places(Map.of()))).isEqualTo(new Result.Found(system, "library folder " + system.getParent()));
    }

    @Test
    void findsTheCudaWheelsInsideSitePackages() throws IOException {
        Path cu12 = file("py/lib/python3.10/site-packages/nvidia/cublas/lib/libcublasLt.so.12");
        assertThat(CublasLtLocator.locate(places(Map.of())))
                .isEqualTo(new Result.Found(cu12, "Python wheel " + cu12.getParent()));
        // a CUDA 13 wheel (nvidia/cu13/lib) in a newer Python wins over the cu12 one
        Path cu13 = file("py/lib/python3.12/dist-packages/nvidia/cu13/lib/libcublasLt.so.13");
        assertThat(CublasLtLocator.locate(places(Map.of())))
                .isEqualTo(new Result.Found(cu13, "Python wheel " + cu13.getParent()));
        // a virtual environment comes before the system prefixes; PYTHONPATH before both
        Path venv = file("venv/lib/python3.11/site-packages/nvidia/cublas/lib/libcublasLt.so.12");
        assertThat(CublasLtLocator.locate(places(Map.of("VIRTUAL_ENV", tmp.resolve("venv").toString()))))
                .extracting(f -> ((Result.Found) f).library()).isEqualTo(venv);
        Path pythonPath = file("pp/nvidia/cublas/lib/libcublasLt.so.12");
        assertThat(CublasLtLocator.locate(places(Map.of("VIRTUAL_ENV", tmp.resolve("venv").toString(),
                "PYTHONPATH", tmp.resolve("pp").toString()))))
                .extracting(f -> ((Result.Found) f).library()).isEqualTo(pythonPath);
    }

    @Test
    void notFoundSaysWhatToDoAndWhereItLooked() throws IOException {
        Files.createDirectories(tmp.resolve("system-lib"));
        Result r = CublasLtLocator.locate(places(Map.of("LD_LIBRARY_PATH", tmp.resolve("x").toString())));
        assertThat(r).isInstanceOf(Result.NotFound.class);
        String reason = ((Result.NotFound) r).reason();
        assertThat(reason).startsWith("libcublasLt.so.13 or libcublasLt.so.12 not found (set MKA1_CUBLASLT to the file, "
                + "or install cuBLAS of CUDA 12/13 or the nvidia-cublas Python wheel); searched 3 folders, of which exist: ["
                + tmp.resolve("system-lib") + "]");
    }
}
