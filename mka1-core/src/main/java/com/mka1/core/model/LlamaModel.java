package com.mka1.core.model;

import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family decoder on one compute device: training forward/backward over packed batches
 * (full fine-tuning or LoRA) and inference forward with a {@link KvCache}. The math is a
 * straight list of {@link Kernels} calls; {@link #backward} is {@link #forward} reversed.
 */
public final class LlamaModel implements TrainableModel {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaModel.class);
    /** Files copied beside exported full weights so the directory is a complete model. */
    private static final List<String> COMPANION_FILES = List.of("config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    private final Path modelDir;

    private final LlamaConfig config;
    private final ComputeDevice device;
    private final Kernels k;
    private final TrainableWeights trainableWeights;
    private final boolean recompute;
    private final Tensor embed, gradEmbed, finalNorm, gradFinalNorm, invFreq;
    private final LinearLayer lmHead;
    private final List<DecoderLayer> layers;
    private final LlamaWeights weights;
    private final List<Tensor> bufferTensors = new ArrayList<>();
    private final float attentionScale;
    private ActivationBuffers buffers;

    private LlamaModel(Path modelDir, LlamaConfig config, ComputeDevice device, TrainableWeights trainableWeights, boolean recompute,
                       LlamaWeights weights) {
        this.modelDir = modelDir;
        this.config = config;
        this.device = device;
        this.k = device.kernels();
        this.trainableWeights = trainableWeights;
        this.recompute = recompute;
        this.attentionScale = (float) (1 / Math.sqrt(config.headDim()));
        this.weights = weights;
        embed = weights.embed;
        gradEmbed = weights.gradEmbed;
        finalNorm = weights.finalNorm;
        gradFinalNorm = weights.gradFinalNorm;
        invFreq = weights.invFreq;
        lmHead = weights.lmHead;
        layers = weights.layers;
    }

    /**
     * Loads {@code modelDir} (config.json + safetensors) onto {@code device}. {@code recompute}
     * keeps one layer's activations and re-runs each layer's forward during backward.
     */
    public static LlamaModel load(Path modelDir, ComputeDevice device, TrainableWeights trainableWeights, boolean recompute) {
        LlamaConfig config = LlamaConfig.load(modelDir);
        try (SafetensorsReader reader = SafetensorsReader.openDirectory(modelDir)) {
            LlamaModel model = new LlamaModel(modelDir, config, device, trainableWeights, recompute,
                    new LlamaWeights(reader, config, device, trainableWeights));
            LOG.info("loaded {} ({} layers, hidden {}, {}) on {}: {} trainable values", modelDir, config.numLayers(),
                    config.hiddenSize(), trainableWeights, device.backendName(), model.trainableValueCount());
            return model;
        }
    }

    // ---- accessors -----------------------------------------------------------------------

    public LlamaConfig config() {
        return config;
    }

    public ComputeDevice device() {
        return device;
    }

    public TrainableWeights trainableWeights() {
        return trainableWeights;
    }

    @Override
    public List<Parameter> trainableParameters() {
        return weights.parameters;
    }

    /** Number of trainable values (elements over all trainable parameters). */
    public long trainableValueCount() {
        return weights.parameters.stream().mapToLong(p -> p.value().size()).sum();
    }

    /** Base weights by HF name (lm_head only when untied), in the order of the HF file. */
    public Map<String, Tensor> baseWeights() {
        return weights.baseWeights();
    }

    List<DecoderLayer> layers() {
        return layers;
    }

    /** The bytes the activation buffers of a pass over {@code tokens} tokens take (canonical dtype sizes). */
    public long activationBytes(int tokens) {
        return ActivationBuffers.bytes(config, tokens, recompute, loraRank(), loraTargets());
    }

    private int loraRank() {
        return trainableWeights instanceof TrainableWeights.Lora(LoraSpec spec) ? spec.rank() : 0;
    }

    private boolean[] loraTargets() {
        boolean[] targets = new boolean[Projection.values().length];
        if (trainableWeights instanceof TrainableWeights.Lora(LoraSpec spec)) spec.targets().forEach(p -> targets[p.ordinal()] = true);
        return targets;
    }

    private ActivationBuffers buffers(int n) {
        if (buffers == null || buffers.capacity < n) {
            bufferTensors.forEach(device::free);
            bufferTensors.clear();
            buffers = ActivationBuffers.allocate(device, bufferTensors, config, n, recompute, loraRank(), loraTargets());
        }
        return buffers;
    }

    // ---- training ------------------------------------------------------------------------

    @Override
    public void zeroGradients() {
        for (Parameter p : weights.parameters) k.fill(p.gradient(), 0, p.gradient().size());
    }

    @Override
    public BatchResult forwardBackward(PackedBatch batch, float gradScale, long dropoutSeed) {
        ActivationBuffers b = upload(batch);
        LinearLayer.Mode mode = new LinearLayer.Mode(true, dropoutSeed);
        forward(b, batch.batch(), batch.seqLen(), mode);
        int n = batch.batch() * batch.seqLen();
        headAndLoss(b, n, gradScale, true, mode);
        BatchResult result = result(b, n, batch.targetCount());
        backward(b, batch.batch(), batch.seqLen(), mode);
        return result;
    }

    @Override
    public BatchResult evaluate(PackedBatch batch) {
        ActivationBuffers b = upload(batch);
        forward(b, batch.batch(), batch.seqLen(), LinearLayer.Mode.EVAL);
        int n = batch.batch() * batch.seqLen();
        headAndLoss(b, n, 1, false, LinearLayer.Mode.EVAL);
        return result(b, n, batch.targetCount());
    }

    /** The logits {@code [batch*seqLen, vocab]} of a packed batch, without dropout. */
    public float[] logits(PackedBatch batch) {
        ActivationBuffers b = upload(batch);
        forward(b, batch.batch(), batch.seqLen(), LinearLayer.Mode.EVAL);
        return headLogits(b, b.xnFinal, batch.batch() * batch.seqLen());
    }

    /** The logits of the first {@code rows} rows of {@code normed}, computed chunk by chunk onto the host. */
    private float[] headLogits(ActivationBuffers b, Tensor normed, int rows) {
        int h = config.hiddenSize(), vocab = config.vocabSize();
        float[] out = new float[rows * vocab];
        for (int start = 0; start < rows; start += b.logitRows) {
            int chunk = Math.min(b.logitRows, rows - start);
            lmHead.forward(device, b.logits, device.view(normed, (long) start * h, chunk, h), chunk, null, b.linear,
                    LinearLayer.Mode.EVAL);
            device.copyToHost(b.logits, 0, out, start * vocab, chunk * vocab);
        }
        return out;
    }

    /**
     * LM head and loss over chunks of rows. With a gradient, each chunk's logits are overwritten
     * with d(loss)/d(logits) and flow straight back through the head into {@code dNormed}.
     */
    private void headAndLoss(ActivationBuffers b, int n, float gradScale, boolean gradient, LinearLayer.Mode mode) {
        int h = config.hiddenSize(), vocab = config.vocabSize();
        if (gradient) k.fill(b.dNormed, 0, (long) n * h);
        for (int start = 0; start < n; start += b.logitRows) {
            int rows = Math.min(b.logitRows, n - start);
            Tensor x = device.view(b.xnFinal, (long) start * h, rows, h);
            lmHead.forward(device, b.logits, x, rows, null, b.linear, mode);
            k.softmaxCrossEntropy(b.logits, device.view(b.losses, start, rows), device.view(b.correct, start, rows),
                    device.view(b.targets, start, rows), rows, vocab, gradScale, gradient);
            if (gradient) {
                lmHead.backward(device, device.view(b.dNormed, (long) start * h, rows, h), b.logits, x, rows, null,
                        b.linear, mode);
            }
        }
    }

    private BatchResult result(ActivationBuffers b, int n, int targets) {
        return new BatchResult(k.sum(b.losses, n), Math.round(k.sum(b.correct, n)), targets);
    }

    private ActivationBuffers upload(PackedBatch batch) {
        int n = batch.batch() * batch.seqLen();
        for (int t : batch.tokens()) {
            if (t < 0 || t >= config.vocabSize()) throw new IllegalArgumentException("token id " + t + " outside vocab " + config.vocabSize());
        }
        ActivationBuffers b = buffers(n);
        device.copyFromHost(batch.tokens(), 0, b.tokens, 0, n);
        device.copyFromHost(batch.targets(), 0, b.targets, 0, n);
        device.copyFromHost(batch.positions(), 0, b.positions, 0, n);
        device.copyFromHost(batch.segStart(), 0, b.segStart, 0, n);
        return b;
    }

    private void forward(ActivationBuffers b, int batch, int seqLen, LinearLayer.Mode mode) {
        int n = batch * seqLen;
        k.embeddingForward(b.residual[0], embed, b.tokens, n, config.hiddenSize());
        for (DecoderLayer layer : layers) layerForward(b, layer, batch, seqLen, mode, null);
        k.rmsnormForward(b.xnFinal, b.rstdFinal, b.residual[layers.size()], finalNorm, n, config.hiddenSize(),
                (float) config.rmsNormEps());
    }

    /** Expects {@code b.dNormed} to hold the loss gradient at the final norm's output ({@link #headAndLoss}). */
    private void backward(ActivationBuffers b, int batch, int seqLen, LinearLayer.Mode mode) {
        int n = batch * seqLen, h = config.hiddenSize();
        k.fill(b.dResidual, 0, (long) n * h);
        k.rmsnormBackward(b.dResidual, gradFinalNorm, b.dNormed, b.residual[layers.size()], finalNorm, b.rstdFinal, n, h);
        for (int l = layers.size() - 1; l >= 0; l--) {
            if (recompute) layerForward(b, layers.get(l), batch, seqLen, mode, null);
            layerBackward(b, layers.get(l), batch, seqLen, mode);
        }
        if (gradEmbed != null) k.embeddingBackward(gradEmbed, b.dResidual, b.tokens, n, h);
    }

    /**
     * One decoder layer: {@code residual[l] -> residual[l+1]}. With a cache (inference, batch 1)
     * the new keys and values are appended to it and attention reads the whole cache.
     */
    private void layerForward(ActivationBuffers b, DecoderLayer w, int batch, int seqLen, LinearLayer.Mode mode, KvCache cache) {
        int n = batch * seqLen, h = config.hiddenSize(), l = w.index();
        float eps = (float) config.rmsNormEps();
        ActivationBuffers.Layer a = b.layer(l);
        Tensor x = b.residual[l];
        k.rmsnormForward(b.normed, a.rstd1(), x, w.attnNorm(), n, h, eps);
        w.q().forward(device, a.q(), b.normed, n, a.loraHidden()[Projection.Q.ordinal()], b.linear, mode);
        w.k().forward(device, a.k(), b.normed, n, a.loraHidden()[Projection.K.ordinal()], b.linear, mode);
        w.v().forward(device, a.v(), b.normed, n, a.loraHidden()[Projection.V.ordinal()], b.linear, mode);
        k.rope(a.q(), b.positions, invFreq, n, config.numHeads(), config.headDim(), false);
        k.rope(a.k(), b.positions, invFreq, n, config.numKvHeads(), config.headDim(), false);
        Tensor keys = a.k(), values = a.v();
        int kvLen = seqLen;
        if (cache != null) {
            long at = (long) cache.length() * config.kvDim();
            device.copy(a.k(), 0, cache.keys(l), at, (long) n * config.kvDim());
            device.copy(a.v(), 0, cache.values(l), at, (long) n * config.kvDim());
            keys = cache.keys(l);
            values = cache.values(l);
            kvLen = cache.length() + seqLen;
        }
        k.attentionForward(a.att(), a.lse(), a.q(), keys, values, b.segStart, batch, seqLen, kvLen,
                config.numHeads(), config.numKvHeads(), config.headDim(), attentionScale);
        w.o().forward(device, b.projected, a.att(), n, a.loraHidden()[Projection.O.ordinal()], b.linear, mode);
        k.add(a.mid(), x, b.projected, (long) n * h);
        k.rmsnormForward(b.normed, a.rstd2(), a.mid(), w.mlpNorm(), n, h, eps);
        w.gate().forward(device, a.gate(), b.normed, n, a.loraHidden()[Projection.GATE.ordinal()], b.linear, mode);
        w.up().forward(device, a.up(), b.normed, n, a.loraHidden()[Projection.UP.ordinal()], b.linear, mode);
        k.swigluForward(b.act, a.gate(), a.up(), (long) n * config.intermediateSize());
        w.down().forward(device, b.projected, b.act, n, a.loraHidden()[Projection.DOWN.ordinal()], b.linear, mode);
        k.add(b.residual[l + 1], a.mid(), b.projected, (long) n * h);
    }

    /** {@link #layerForward} reversed: turns {@code dResidual} from d residual[l+1] into d residual[l]. */
    private void layerBackward(ActivationBuffers b, DecoderLayer w, int batch, int seqLen, LinearLayer.Mode mode) {
        int n = batch * seqLen, h = config.hiddenSize(), l = w.index(), inter = config.intermediateSize();
        float eps = (float) config.rmsNormEps();
        ActivationBuffers.Layer a = b.layer(l);
        Tensor[] hidden = a.loraHidden();
        k.swigluForward(b.act, a.gate(), a.up(), (long) n * inter); // recomputed, not kept per layer
        k.fill(b.dAct, 0, (long) n * inter);
        w.down().backward(device, b.dAct, b.dResidual, b.act, n, hidden[Projection.DOWN.ordinal()], b.linear, mode);
        k.fill(b.dGate, 0, (long) n * inter);
        k.fill(b.dUp, 0, (long) n * inter);
        k.swigluBackward(b.dGate, b.dUp, b.dAct, a.gate(), a.up(), (long) n * inter);
        k.rmsnormForward(b.normed, null, a.mid(), w.mlpNorm(), n, h, eps);
        k.fill(b.dNormed, 0, (long) n * h);
        w.up().backward(device, b.dNormed, b.dUp, b.normed, n, hidden[Projection.UP.ordinal()], b.linear, mode);
        w.gate().backward(device, b.dNormed, b.dGate, b.normed, n, hidden[Projection.GATE.ordinal()], b.linear, mode);
        k.rmsnormBackward(b.dResidual, w.gradMlpNorm(), b.dNormed, a.mid(), w.mlpNorm(), a.rstd2(), n, h);
        k.fill(b.dAtt, 0, (long) n * config.qDim());
        w.o().backward(device, b.dAtt, b.dResidual, a.att(), n, hidden[Projection.O.ordinal()], b.linear, mode);
        k.fill(b.dq, 0, (long) n * config.qDim());
        k.fill(b.dk, 0, (long) n * config.kvDim());
        k.fill(b.dv, 0, (long) n * config.kvDim());
        k.attentionBackward(b.dq, b.dk, b.dv, b.dAtt, a.att(), a.lse(), a.q(), a.k(), a.v(), b.segStart, batch, seqLen,
                config.numHeads(), config.numKvHeads(), config.headDim(), attentionScale);
        k.rope(b.dq, b.positions, invFreq, n, config.numHeads(), config.headDim(), true);
        k.rope(b.dk, b.positions, invFreq, n, config.numKvHeads(), config.headDim(), true);
        k.rmsnormForward(b.normed, null, b.residual[l], w.attnNorm(), n, h, eps);
        k.fill(b.dNormed, 0, (long) n * h);
        w.v().backward(device, b.dNormed, b.dv, b.normed, n, hidden[Projection.V.ordinal()], b.linear, mode);
        w.k().backward(device, b.dNormed, b.dk, b.normed, n, hidden[Projection.K.ordinal()], b.linear, mode);
        w.q().backward(device, b.dNormed, b.dq, b.normed, n, hidden[Projection.Q.ordinal()], b.linear, mode);
        k.rmsnormBackward(b.dResidual, w.gradAttnNorm(), b.dNormed, b.residual[l], w.attnNorm(), a.rstd1(), n, h);
    }

    /** Bytes held by weights, adapters, gradients and activation buffers (canonical dtype sizes). */
    public long memoryBytes() {
        long total = weights.bytes();
        for (Tensor t : bufferTensors) total += t.size() * t.dtype().bytes();
        return total;
    }

    // ---- export --------------------------------------------------------------------------

    /**
     * Writes the usable form of this model into {@code dir}: the PEFT adapter for LoRA, or
     * {@code model.safetensors} plus the source directory's config and tokenizer files for full
     * fine-tuning, so the directory loads as a model of its own.
     */
    public void export(Path dir, String baseModelName) throws IOException {
        Files.createDirectories(dir);
        if (trainableWeights instanceof TrainableWeights.Lora) {
            PeftAdapter.save(this, dir, baseModelName);
            return;
        }
        saveWeights(dir.resolve(SafetensorsReader.SINGLE_FILE));
        for (String name : COMPANION_FILES) {
            Path source = modelDir.resolve(name);
            if (Files.exists(source)) Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Writes every base weight under its HF name to one safetensors file (F32, or BF16 for
     * tensors held in BF16); with {@link #mergeLora()} first, this is the merged model.
     */
    public void saveWeights(Path file) {
        weights.save(file);
    }

    /**
     * Folds every LoRA update into its base weight ({@code W += scaling * B A}, rounded to the
     * weight's dtype) and zeroes B, so the model computes the same function without adapters.
     */
    public void mergeLora() {
        weights.mergeLora();
    }

    // ---- inference -----------------------------------------------------------------------

    /** A KV cache for up to {@code capacity} tokens of one sequence. */
    public KvCache newKvCache(int capacity) {
        return new KvCache(device, config, capacity);
    }

    /**
     * Runs {@code tokens} (the next tokens of the cached sequence) through the model, appends
     * their keys and values to {@code cache} and returns their logits {@code [tokens.length, vocab]}
     * row-major. LoRA adapters apply (without dropout).
     */
    public float[] forwardWithCache(int[] tokens, KvCache cache) {
        return decode(tokens, cache, false);
    }

    /**
     * Like {@link #forwardWithCache} but returns only the logits {@code [vocab]} after the last
     * token, and runs the LM head for that token only (a prefill of a long prompt skips
     * {@code (n-1) * vocab * hidden} multiply-adds).
     */
    public float[] nextTokenLogits(int[] tokens, KvCache cache) {
        return decode(tokens, cache, true);
    }

    private float[] decode(int[] tokens, KvCache cache, boolean lastOnly) {
        int n = tokens.length, past = cache.length(), h = config.hiddenSize();
        if (n == 0) throw new IllegalArgumentException("no tokens to run");
        if (past + n > cache.capacity()) {
            throw new IllegalArgumentException("KV cache holds " + cache.capacity() + " tokens; " + past + " + " + n + " do not fit");
        }
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) positions[i] = past + i;
        ActivationBuffers b = buffers(n);
        device.copyFromHost(tokens, 0, b.tokens, 0, n);
        device.copyFromHost(positions, 0, b.positions, 0, n);
        device.copyFromHost(new int[n], 0, b.segStart, 0, n); // one sequence: every query may see key 0
        k.embeddingForward(b.residual[0], embed, b.tokens, n, h);
        for (DecoderLayer layer : layers) layerForward(b, layer, 1, n, LinearLayer.Mode.EVAL, cache);
        cache.advance(n);
        int rows = lastOnly ? 1 : n;
        Tensor top = lastOnly ? device.view(b.residual[layers.size()], (long) (n - 1) * h, 1, h) : b.residual[layers.size()];
        k.rmsnormForward(b.xnFinal, null, top, finalNorm, rows, h, (float) config.rmsNormEps());
        return headLogits(b, b.xnFinal, rows);
    }

    /** Frees the activation buffers (they are re-made on the next pass); weights stay. */
    public void releaseBuffers() {
        bufferTensors.forEach(device::free);
        bufferTensors.clear();
        buffers = null;
    }

    @Override
    public void close() {
        releaseBuffers();
        weights.free();
    }
}
