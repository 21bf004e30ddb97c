package com.mka1.bench;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The matmuls of one linear layer {@code y[T,out] = x[T,in] · W[out,in]^T} of a SmolLM-135M-sized
 * model at 512 tokens, in the three forms training runs: forward (NT), input gradient (NN) and
 * weight gradient (TN). Each form is {@code 2*T*in*out} FLOPs; bench/matmul-vs-openblas.sh turns
 * the median call time into GFLOP/s next to the machine's OpenBLAS SGEMM (sampled per call, so a
 * busy machine's outliers do not decide the figure).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx4g"})
public class MatmulBenchmark {

    /** tokens x in x out. */
    @Param({"512x576x576", "512x576x1536", "512x1536x576", "512x576x49152"})
    public String shape;

    /** Storage of the weight W: F32, or BF16 as a frozen LoRA base. */
    @Param({"F32"})
    public String weight;

    /** Backend threads; 0 = available processors. */
    @Param({"0"})
    public int threads;

    /** Backend to measure (cpu, or reference for a baseline). */
    @Param({"cpu"})
    public String backend;

    private ComputeDevice device;
    private Kernels kernels;
    private int tokens;
    private int in;
    private int out;
    private Tensor x;
    private Tensor w;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private Tensor dw;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        tokens = Integer.parseInt(dims[0]);
        in = Integer.parseInt(dims[1]);
        out = Integer.parseInt(dims[2]);
        ComputeBackend chosen = ServiceLoader.load(ComputeBackend.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals(backend))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no backend named " + backend));
        device = chosen.open(new BackendOptions(threads, 0, Map.of()));
        kernels = device.kernels();
        Random random = new Random(42);
        x = upload(DType.F32, random, tokens, in);
        w = upload(DType.valueOf(weight), random, out, in);
        dy = upload(DType.F32, random, tokens, out);
        y = device.allocate(DType.F32, tokens, out);
        dx = device.allocate(DType.F32, tokens, in);
        dw = device.allocate(DType.F32, out, in);
    }

    private Tensor upload(DType dtype, Random random, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) data[i] = (float) random.nextGaussian() * 0.05f;
        Tensor t = device.allocate(dtype, rows, cols);
        device.copyFromHost(data, 0, t, 0, data.length);
        return t;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }

    /** {@code y = x · W^T}: NT. */
    @Benchmark
    public Tensor forward() {
        kernels.matmul(y, x, w, tokens, out, in, false, true, 1f, false);
        return y;
    }

    /** {@code dx += dy · W}: NN. */
    @Benchmark
    public Tensor backwardInput() {
        kernels.matmul(dx, dy, w, tokens, in, out, false, false, 1f, true);
        return dx;
    }

    /** {@code dW += dy^T · x}: TN. */
    @Benchmark
    public Tensor backwardWeight() {
        kernels.matmul(dw, dy, x, out, in, tokens, true, false, 1f, true);
        return dw;
    }
}
