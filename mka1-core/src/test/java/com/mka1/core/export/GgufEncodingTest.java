package com.mka1.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The byte-level pieces of a GGUF export, against values worked out by hand from ggml's definitions. */
class GgufEncodingTest {
    @Test
    void q8_0BlocksHoldAnF16ScaleAndRoundedQuants() {
        float[] row = new float[64];
        for (int j = 0; j < 32; j++) row[j] = j - 16; // amax 16: d = 16/127
        row[32 + 5] = -0.5f; // a block of zeros but one: d = 0.5/127, that value -127
        byte[] bytes = GgufWriter.encode(new GgufWriter.Tensor("t", new int[] {1, 64}, row, GgufType.Q8_0));
        assertThat(bytes).hasSize(2 * 34);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(0)).isEqualTo(Float.floatToFloat16(16f / 127));
        assertThat(bytes[2]).isEqualTo((byte) -127);          // -16 * 127/16
        assertThat(bytes[2 + 4]).isEqualTo((byte) -95);       // -12 * 127/16 = -95.25
        assertThat(bytes[2 + 31]).isEqualTo((byte) 119);      // 15 * 7.9375 = 119.06
        assertThat(b.getShort(34)).isEqualTo(Float.floatToFloat16(0.5f / 127));
        assertThat(bytes[36 + 5]).isEqualTo((byte) -127);
        assertThat(bytes[36]).isZero();
    }

    @Test
    void qAndKRowsMoveFromRotateHalfToInterleavedPairs() {
        float[] rows = {0, 1, 2, 3, 10, 11, 12, 13}; // two heads of head_dim 4, one column
        assertThat(GgufExport.permuteRows(rows, 2, new int[] {8})).containsExactly(0, 2, 1, 3, 10, 12, 11, 13);
    }

    @Test
    void huggingFaceNamesMapToLlamaCppNames() {
        assertThat(GgufExport.tensorName("model.layers.12.self_attn.o_proj.weight")).isEqualTo("blk.12.attn_output.weight");
        assertThat(GgufExport.tensorName("model.layers.0.self_attn.q_proj.bias")).isEqualTo("blk.0.attn_q.bias");
        assertThat(GgufExport.tensorName("model.layers.3.post_attention_layernorm.weight")).isEqualTo("blk.3.ffn_norm.weight");
        assertThat(GgufExport.tensorName("model.embed_tokens.weight")).isEqualTo("token_embd.weight");
        assertThat(GgufExport.tensorName("lm_head.weight")).isEqualTo("output.weight");
    }
}
