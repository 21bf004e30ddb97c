package com.mka1.backend.cuda;

import com.mka1.spi.Bf16;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The allocator's size classes, launch geometry and the host-side bfloat16 conversions. */
class HostHelpersTest {

    @Test
    void sizeClassesArePowersOfTwoThenTwoMebibyteMultiples() {
        assertThat(DevicePool.sizeClass(1)).isEqualTo(512);
        assertThat(DevicePool.sizeClass(512)).isEqualTo(512);
        assertThat(DevicePool.sizeClass(513)).isEqualTo(1024);
        assertThat(DevicePool.sizeClass(1 << 20)).isEqualTo(1 << 20);
        assertThat(DevicePool.sizeClass((1 << 20) + 1)).isEqualTo(2L << 20);
        assertThat(DevicePool.sizeClass((5L << 20) + 7)).isEqualTo(6L << 20);
    }

    @Test
    void elementwiseLaunchesCapTheGridAndCoverSmallInputs() {
        assertThat(LaunchShape.elementwise(1)).isEqualTo(new LaunchShape(1, 1, 256));
        assertThat(LaunchShape.elementwise(257)).isEqualTo(new LaunchShape(2, 1, 256));
        assertThat(LaunchShape.elementwise(1L << 40)).isEqualTo(new LaunchShape(65_536, 1, 256));
        assertThat(LaunchShape.perWarp(5)).isEqualTo(new LaunchShape(2, 1, 128));
        assertThat(LaunchShape.perColumn(576)).isEqualTo(new LaunchShape(3, 1, 256));
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(Bf16.fromFloat(1.0f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1.0)
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        // 1 + 3*2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: rounds up to the even 0x3F82
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(Bf16.toFloat((short) 0xC040)).isEqualTo(-3.0f);
        assertThat(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.NaN)))).isTrue();
    }
}
