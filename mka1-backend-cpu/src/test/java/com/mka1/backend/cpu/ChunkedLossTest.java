package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.model.BatchResult;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Parameter;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LM head and loss run in chunks of 128 rows, so {@code [tokens, vocab]} logits never exist
 * whole. Rows of a packed batch are independent, so one pass over 3 rows of 50 tokens (chunks of
 * 128 and 22 rows, the boundary inside the third row) must give the loss and every gradient of
 * two unchunked passes (2 rows, then 1 row, gradients accumulated). An odd model (vocabulary
 * 1001, hidden 20, head dim 10, MLP 36, tied embeddings), full fine-tuning so the tied table
 * collects the head's gradient, on the reference backend, and on this backend with SIMD and
 * scalar loops; and this backend's chunked pass against the reference's.
 */
class ChunkedLossTest {
    private static final int VOCAB = 1001, SEQ = 50;

    @TempDir
    static Path dir;

    @Test
    void chunkedPassEqualsUnchunkedPassesOnReferenceAndCpu() throws IOException {
        writeModel(dir);
        int[] tokens = new Random(17).ints(3 * SEQ, 0, VOCAB).toArray();
        float gradScale = 1f / (3 * (SEQ - 1));

        Pass reference = chunkedAndSplit(ReferenceDevice::new, tokens, gradScale, 1e-9);
        Pass simd = chunkedAndSplit(() -> Fixtures.open(true, 2), tokens, gradScale, 2e-6);
        Pass scalar = chunkedAndSplit(() -> Fixtures.open(false, 1), tokens, gradScale, 2e-6);
        for (Pass cpu : List.of(simd, scalar)) {
            assertThat(cpu.loss).isCloseTo(reference.loss, Offset.offset(1e-4 * reference.loss));
            assertClose(cpu.gradients, reference.gradients, 5e-5);
        }
    }

    /** Loss and gradients of the 150-token pass, after checking them against the two unchunked passes. */
    private static Pass chunkedAndSplit(Supplier<ComputeDevice> open, int[] tokens, float gradScale, double tolerance) {
        Pass chunked, split;
        try (ComputeDevice dev = open.get(); LlamaModel model = LlamaModel.load(dir, dev, new TrainableWeights.Full(), false)) {
            model.zeroGradients();
            BatchResult all = model.forwardBackward(batch(tokens, 0, 3), gradScale, 1);
            chunked = new Pass(all.lossSum(), gradients(dev, model));
            model.zeroGradients();
            BatchResult first = model.forwardBackward(batch(tokens, 0, 2), gradScale, 1);
            BatchResult last = model.forwardBackward(batch(tokens, 2, 1), gradScale, 1);
            split = new Pass(first.lossSum() + last.lossSum(), gradients(dev, model));
            assertThat(all.tokens()).isEqualTo(first.tokens() + last.tokens()).isEqualTo(3 * (SEQ - 1));
            assertThat(all.correct()).isEqualTo(first.correct() + last.correct());
        }
        assertThat(chunked.loss).isCloseTo(split.loss, Offset.offset(tolerance * split.loss));
        assertClose(chunked.gradients, split.gradients, tolerance);
        return chunked;
    }

    private record Pass(double loss, List<float[]> gradients) {}

    private static List<float[]> gradients(ComputeDevice dev, LlamaModel model) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : model.trainableParameters()) out.add(dev.download(p.gradient()));
        return out;
    }

    /** Every element within {@code tolerance * (max |expected| of its tensor)}. */
    private static void assertClose(List<float[]> actual, List<float[]> expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int t = 0; t < expected.size(); t++) {
            float[] a = actual.get(t), e = expected.get(t);
            double scale = 0;
            for (float v : e) scale = Math.max(scale, Math.abs(v));
            assertThat(scale).as("tensor %d has a gradient", t).isPositive();
            for (int i = 0; i < e.length; i++) {
                assertThat((double) Math.abs(a[i] - e[i])).as("tensor %d element %d", t, i).isLessThanOrEqualTo(tolerance * scale);
            }
        }
    }

    private static PackedBatch batch(int[] all, int firstRow, int rows) {
        int n = rows * SEQ;
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) positions[i] = i % SEQ;
        return new PackedBatch(rows, SEQ, Arrays.copyOfRange(all, firstRow * SEQ, firstRow * SEQ + n),
                targets(all, firstRow, rows), positions, new int[n]);
    }

    /** Next-token targets within each row; the last position of a row has none. */
    private static int[] targets(int[] all, int firstRow, int rows) {
        int[] t = new int[rows * SEQ];
        for (int i = 0; i < t.length; i++) t[i] = (i + 1) % SEQ == 0 ? -1 : all[firstRow * SEQ + i + 1];
        return t;
    }

    private static void writeModel(Path dir) throws IOException {
        int hidden = 20, inter = 36, layers = 2, kvDim = 10;
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
                 "hidden_size": 20, "intermediate_size": 36, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 1001,
                 "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true,
                 "max_position_embeddings": 128, "bos_token_id": 1, "eos_token_id": 2}
                """);
        Random r = new Random(5);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        entries.add(matrix(r, "model.embed_tokens.weight", VOCAB, hidden));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            entries.add(norm(r, p + "input_layernorm.weight", hidden));
            entries.add(norm(r, p + "post_attention_layernorm.weight", hidden));
            entries.add(matrix(r, p + "self_attn.q_proj.weight", hidden, hidden));
            entries.add(matrix(r, p + "self_attn.k_proj.weight", kvDim, hidden));
            entries.add(matrix(r, p + "self_attn.v_proj.weight", kvDim, hidden));
            entries.add(matrix(r, p + "self_attn.o_proj.weight", hidden, hidden));
            entries.add(matrix(r, p + "mlp.gate_proj.weight", inter, hidden));
            entries.add(matrix(r, p + "mlp.up_proj.weight", inter, hidden));
            entries.add(matrix(r, p + "mlp.down_proj.weight", hidden, inter));
        }
        entries.add(norm(r, "model.norm.weight", hidden));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
    }

    private static SafetensorsWriter.Entry matrix(Random r, String name, int rows, int cols) {
        return new SafetensorsWriter.Entry.F32(name, new int[] {rows, cols}, Fixtures.gaussian(r, rows * cols, (float) (1 / Math.sqrt(cols))));
    }

    private static SafetensorsWriter.Entry norm(Random r, String name, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = 1 + 0.1f * (float) r.nextGaussian();
        return new SafetensorsWriter.Entry.F32(name, new int[] {n}, w);
    }
}
