package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.spi.Availability;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeBackend;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The backend's identity and selection, the device's memory, views and host copies, and the fallback choice. */
class CpuDeviceTest {

    @Test
    void isFoundByServiceLoaderAsCpuWithPriority100() {
        ComputeBackend cpu = ServiceLoader.load(ComputeBackend.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals("cpu"))
                .findFirst().orElseThrow();
        assertThat(cpu.priority()).isEqualTo(100);
        assertThat(cpu.probe()).isInstanceOf(Availability.Available.class);
        assertThat(((Availability.Available) cpu.probe()).description()).contains("Vector API");
    }

    @Test
    void describesSimdAndThreads() {
        try (ComputeDevice device = new CpuBackend().open(new BackendOptions(3, 0, java.util.Map.of()))) {
            assertThat(device.backendName()).isEqualTo("cpu");
            assertThat(device.description()).startsWith("Vector API, ").contains("float lanes").endsWith(", 3 threads");
        }
        try (ComputeDevice device = Fixtures.open(false, 1)) {
            assertThat(device.description()).isEqualTo("scalar loops (Vector API not enabled), 1 threads");
        }
    }

    @Test
    void selectsVectorOpsWhenTheModuleIsResolvedAndScalarWhenForcedOff() {
        assertThat(VectorApiSupport.moduleResolved()).isTrue(); // surefire runs with --add-modules
        assertThat(VectorApiSupport.select(true)).isInstanceOf(VectorFloatOps.class);
        assertThat(VectorApiSupport.select(false)).isInstanceOf(ScalarFloatOps.class);
    }

    @Test
    void viewsShareStorageAndCopiesRoundTripAllDtypes() {
        try (ComputeDevice device = Fixtures.open(true, 1)) {
            Tensor base = device.allocate(DType.F32, 2, 5);
            Tensor row1 = device.view(base, 5, 5);
            device.copyFromHost(new float[] {1, 2, 3, 4, 5}, 0, row1, 0, 5);
            assertThat(device.download(base)).containsExactly(0, 0, 0, 0, 0, 1, 2, 3, 4, 5);
            assertThat(row1.shape()).containsExactly(5);
            Tensor sub = device.view(row1, 2, 2);
            assertThat(device.download(sub)).containsExactly(3, 4);

            Tensor half = device.allocate(DType.BF16, 3);
            device.copyFromHost(new float[] {1.00390625f, -2.5f, 3.0234375f}, 0, half, 0, 3);
            // Ties round to the even mantissa: 1 + 2^-8 -> 1, 3 + 3*2^-7 -> 3 + 2^-5.
            assertThat(device.download(half)).containsExactly(1f, -2.5f, 3.03125f);
            device.copyFromHostBf16(new short[] {(short) 0x3F80, (short) 0xC000}, 0, half, 1, 2);
            assertThat(device.download(half)).containsExactly(1f, 1f, -2f);

            Tensor ints = device.upload(new int[] {7, -1, 9}, 3);
            int[] back = new int[2];
            device.copyToHost(ints, 1, back, 0, 2);
            assertThat(back).containsExactly(-1, 9);

            Tensor copy = device.allocate(DType.F32, 3);
            device.copy(base, 6, copy, 1, 2);
            assertThat(device.download(copy)).containsExactly(0, 2, 3);
        }
    }

    @Test
    void tracksAllocatedAndPeakBytes() {
        try (ComputeDevice device = Fixtures.open(true, 1)) {
            Tensor a = device.allocate(DType.F32, 100);
            Tensor b = device.allocate(DType.BF16, 10, 10);
            device.view(a, 0, 10);
            assertThat(device.memoryInfo().allocated()).isEqualTo(600);
            device.free(a);
            assertThat(device.memoryInfo().allocated()).isEqualTo(200);
            assertThat(device.memoryInfo().peak()).isEqualTo(600);
            device.free(b);
            assertThat(device.memoryInfo().allocated()).isZero();
        }
    }

    @Test
    void rejectsOutOfRangeViewsAndForeignTensors() {
        try (ComputeDevice device = Fixtures.open(true, 1); ComputeDevice other = Fixtures.open(true, 1)) {
            Tensor a = device.allocate(DType.F32, 4);
            assertThatThrownBy(() -> device.view(a, 2, 3))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("view [2, 5) outside tensor of 4 elements, shape [4]");
            Tensor foreign = other.allocate(DType.F32, 4);
            assertThatThrownBy(() -> device.kernels().add(a, a, foreign, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("b must be an F32 tensor of this cpu device");
        }
    }
}
