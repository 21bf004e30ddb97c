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
 * straight list of {@link Kernels} calls; {@link #backward} is {@link #forward} reversed. The
 * other families (Qwen3, Gemma 2/3, Phi-3, SmolLM3, OLMo2, Granite) add small named steps
 * ({@link FamilyTraits}), each with its mirror in the backward pass.
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
    private final Tensor embed, gradEmbed, finalNorm, gradFinalNorm;
    private final RopeTables rope;
    private final FamilyTraits traits;
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
        this.traits = config.traits();
        this.attentionScale = (float) traits.attentionScale();
        this.rope = new RopeTables(device, config.layers());
        this.weights = weights;
        embed = weights.embed;
        gradEmbed = weights.gradEmbed;
        finalNorm = weights.finalNorm;
        gradFinalNorm = weights.gradFinalNorm;
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

    /** PEFT's trainable token rows of a LoRA model, or null. */
    TrainableTokens trainableTokens() {
        return weights.tokens;
    }

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
        forward(b, batch.tokens(), batch.batch(), batch.seqLen(), mode);
        int n = batch.batch() * batch.seqLen();
        headAndLoss(b, n, gradScale, true, mode);
        BatchResult result = result(b, n, batch.targetCount());
        backward(b, batch.batch(), batch.seqLen(), mode);
        return result;
    }

    @Override
    public BatchResult evaluate(PackedBatch batch) {
        ActivationBuffers b = upload(batch);
        forward(b, batch.tokens(), batch.batch(), batch.seqLen(), LinearLayer.Mode.EVAL);
        int n = batch.batch() * batch.seqLen();
        headAndLoss(b, n, 1, false, LinearLayer.Mode.EVAL);
        return result(b, n, batch.targetCount());
    }

    /** The logits {@code [batch*seqLen, vocab]} of a packed batch, without dropout. */
    public float[] logits(PackedBatch batch) {
        ActivationBuffers b = upload(batch);
        forward(b, batch.tokens(), batch.batch(), batch.seqLen(), LinearLayer.Mode.EVAL);
        return headLogits(b, b.xnFinal, batch.batch() * batch.seqLen());
    }

    /** The logits of the first {@code rows} rows of {@code normed}, computed chunk by chunk onto the host. */
    private float[] headLogits(ActivationBuffers b, Tensor normed, int rows) {
        int h = config.hiddenSize(), vocab = config.vocabSize();
        float[] out = new float[rows * vocab];
        for (int start = 0; start < rows; start += b.logitRows) {
            int chunk = Math.min(b.logitRows, rows - start);
            Tensor x = device.view(normed, (long) start * h, chunk, h);
            lmHead.forward(device, b.logits, x, chunk, null, b.linear, LinearLayer.Mode.EVAL);
            if (weights.tokens != null) weights.tokens.headForward(b.logits, x, chunk, vocab);
            finishLogits(b, (long) chunk * vocab);
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
            if (weights.tokens != null) weights.tokens.headForward(b.logits, x, rows, vocab);
            finishLogits(b, (long) rows * vocab);
            k.softmaxCrossEntropy(b.logits, device.view(b.losses, start, rows), device.view(b.correct, start, rows),
                    device.view(b.targets, start, rows), rows, vocab, gradScale, gradient);
            if (gradient) {
                finishLogitsBackward(b, (long) rows * vocab);
                Tensor dx = device.view(b.dNormed, (long) start * h, rows, h);
                lmHead.backward(device, dx, b.logits, x, rows, null, b.linear, mode);
                if (weights.tokens != null) weights.tokens.headBackward(dx, b.logits, x, rows, vocab);
            }
        }
    }

    /** The family's last steps on the LM head output: Granite's {@code 1/logits_scaling}, Gemma 2's soft cap. */
    private void finishLogits(ActivationBuffers b, long count) {
        if (traits.logitScale() != 1) k.scale(b.logits, traits.logitScale(), count);
        if (traits.finalLogitSoftcap() > 0) {
            k.softcap(b.logits, traits.finalLogitSoftcap(), count);
            device.copy(b.logits, 0, b.capped, 0, count);
        }
    }

    /** {@link #finishLogits} reversed on the logit gradient: {@code d/dx c tanh(x/c) = 1 - (y/c)^2}, then the scale. */
    private void finishLogitsBackward(ActivationBuffers b, long count) {
        float cap = traits.finalLogitSoftcap();
        if (cap > 0) {
            k.mul(b.dCapped, b.capped, b.capped, count);
            k.mul(b.dCapped, b.dCapped, b.logits, count);
            k.axpy(b.logits, -1 / (cap * cap), b.dCapped, count);
        }
        if (traits.logitScale() != 1) k.scale(b.logits, traits.logitScale(), count);
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
        if (b.windowStart != null) {
            // a query sees its own example's keys and only the last window of them
            int[] first = new int[n];
            int w = config.slidingWindow(), seqLen = batch.seqLen();
            for (int r = 0; r < n; r++) first[r] = Math.max(batch.segStart()[r], r % seqLen - w + 1);
            device.copyFromHost(first, 0, b.windowStart, 0, n);
        }
        int maxPosition = 0;
        for (int p : batch.positions()) maxPosition = Math.max(maxPosition, p);
        rope.prepare(maxPosition + 1);
        return b;
    }

    private void forward(ActivationBuffers b, int[] tokens, int batch, int seqLen, LinearLayer.Mode mode) {
        int n = batch * seqLen;
        embed(b, tokens, n);
        for (DecoderLayer layer : layers) layerForward(b, layer, batch, seqLen, mode, null);
        k.rmsnormForward(b.xnFinal, b.rstdFinal, b.residual[layers.size()], finalNorm, n, config.hiddenSize(),
                (float) config.rmsNormEps());
    }

    /** {@code tokens} are the ids already in {@code b.tokens}, on the host (trainable token rows map them to slots). */
    private void embed(ActivationBuffers b, int[] tokens, int n) {
        k.embeddingForward(b.residual[0], embed, b.tokens, n, config.hiddenSize());
        if (weights.tokens != null) weights.tokens.embedForward(b.residual[0], b.normed, tokens, n);
        if (traits.embeddingScale() != 1) k.scale(b.residual[0], traits.embeddingScale(), (long) n * config.hiddenSize());
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
        if (gradEmbed != null || weights.tokens != null) {
            if (traits.embeddingScale() != 1) k.scale(b.dResidual, traits.embeddingScale(), (long) n * h);
            if (gradEmbed != null) k.embeddingBackward(gradEmbed, b.dResidual, b.tokens, n, h);
            if (weights.tokens != null) weights.tokens.embedBackward(b.dResidual, n);
        }
    }

    /**
     * One decoder layer: {@code residual[l] -> residual[l+1]}. With a cache (inference, batch 1)
     * the new keys and values are appended to it and attention reads the whole cache (the
     * window's part of it on sliding layers). The family steps are named calls; each is skipped
     * where the family has no such step.
     */
    private void layerForward(ActivationBuffers b, DecoderLayer w, int batch, int seqLen, LinearLayer.Mode mode, KvCache cache) {
        int n = batch * seqLen, h = config.hiddenSize(), l = w.index();
        ActivationBuffers.Layer a = b.layer(l);
        Tensor[] hidden = a.loraHidden();
        Tensor x = b.residual[l];
        Tensor attnIn = preNorm(b.normed, a.rstd1(), x, w.preAttnNorm(), n);
        boolean qkNorm = w.qNorm() != null;
        w.q().forward(device, qkNorm ? a.qRaw() : a.q(), attnIn, n, hidden[Projection.Q.ordinal()], b.linear, mode);
        w.k().forward(device, qkNorm ? a.kRaw() : a.k(), attnIn, n, hidden[Projection.K.ordinal()], b.linear, mode);
        w.v().forward(device, a.v(), attnIn, n, hidden[Projection.V.ordinal()], b.linear, mode);
        if (qkNorm) qkNormForward(a, w, n);
        if (w.attention().rotary()) rotate(a.q(), a.k(), b.positions, w.attention(), n, false);
        Tensor keys = a.k(), values = a.v();
        int kvLen = seqLen;
        if (cache != null) {
            cache.append(l, a.k(), a.v(), n);
            keys = cache.keys(l);
            values = cache.values(l);
            kvLen = cache.held(l) + seqLen;
        }
        Tensor first = w.attention().sliding() ? b.windowStart : b.segStart;
        k.attentionForward(a.att(), a.lse(), a.q(), keys, values, first, batch, seqLen, kvLen,
                config.numHeads(), config.numKvHeads(), config.headDim(), attentionScale, traits.attnLogitSoftcap());
        w.o().forward(device, w.postAttnNorm() != null ? a.attnOut() : b.projected, a.att(), n, hidden[Projection.O.ordinal()], b.linear, mode);
        postNorm(b.projected, a.rstd3(), a.attnOut(), w.postAttnNorm(), n);
        Tensor mlpIn = residualAddPreNorm(a.mid(), b.normed, a.rstd2(), x, b.projected, w.preMlpNorm(), n);
        w.gate().forward(device, a.gate(), mlpIn, n, hidden[Projection.GATE.ordinal()], b.linear, mode);
        w.up().forward(device, a.up(), mlpIn, n, hidden[Projection.UP.ordinal()], b.linear, mode);
        activation(b.act, a.gate(), a.up(), (long) n * config.intermediateSize());
        w.down().forward(device, w.postMlpNorm() != null ? a.mlpOut() : b.projected, b.act, n, hidden[Projection.DOWN.ordinal()], b.linear, mode);
        postNorm(b.projected, a.rstd4(), a.mlpOut(), w.postMlpNorm(), n);
        residualAdd(b.residual[l + 1], a.mid(), b.projected, (long) n * h);
    }

    /** {@link #layerForward} reversed: turns {@code dResidual} from d residual[l+1] into d residual[l]. */
    private void layerBackward(ActivationBuffers b, DecoderLayer w, int batch, int seqLen, LinearLayer.Mode mode) {
        int n = batch * seqLen, h = config.hiddenSize(), l = w.index(), inter = config.intermediateSize();
        ActivationBuffers.Layer a = b.layer(l);
        Tensor[] hidden = a.loraHidden();
        Tensor dR = b.dResidual; // d residual[l+1], and d mid once the MLP branch has added its part
        Tensor dDown = postNormBackward(b, residualBranchGradient(b, n), a.mlpOut(), w.postMlpNorm(), a.rstd4(), n);
        activation(b.act, a.gate(), a.up(), (long) n * inter); // recomputed, not kept per layer
        k.fill(b.dAct, 0, (long) n * inter);
        w.down().backward(device, b.dAct, dDown, b.act, n, hidden[Projection.DOWN.ordinal()], b.linear, mode);
        k.fill(b.dGate, 0, (long) n * inter);
        k.fill(b.dUp, 0, (long) n * inter);
        activationBackward(b.dGate, b.dUp, b.dAct, a.gate(), a.up(), (long) n * inter);
        Tensor mlpIn = preNorm(b.normed, null, a.mid(), w.preMlpNorm(), n);
        Tensor dMlpIn = preNormGradient(b, dR, w.preMlpNorm(), n);
        w.up().backward(device, dMlpIn, b.dUp, mlpIn, n, hidden[Projection.UP.ordinal()], b.linear, mode);
        w.gate().backward(device, dMlpIn, b.dGate, mlpIn, n, hidden[Projection.GATE.ordinal()], b.linear, mode);
        preNormBackward(dR, dMlpIn, a.mid(), w.preMlpNorm(), a.rstd2(), n);
        Tensor dO = postNormBackward(b, residualBranchGradient(b, n), a.attnOut(), w.postAttnNorm(), a.rstd3(), n);
        k.fill(b.dAtt, 0, (long) n * config.qDim());
        w.o().backward(device, b.dAtt, dO, a.att(), n, hidden[Projection.O.ordinal()], b.linear, mode);
        k.fill(b.dq, 0, (long) n * config.qDim());
        k.fill(b.dk, 0, (long) n * config.kvDim());
        k.fill(b.dv, 0, (long) n * config.kvDim());
        Tensor first = w.attention().sliding() ? b.windowStart : b.segStart;
        k.attentionBackward(b.dq, b.dk, b.dv, b.dAtt, a.att(), a.lse(), a.q(), a.k(), a.v(), first, batch, seqLen,
                config.numHeads(), config.numKvHeads(), config.headDim(), attentionScale, traits.attnLogitSoftcap());
        if (w.attention().rotary()) rotate(b.dq, b.dk, b.positions, w.attention(), n, true);
        boolean qkNorm = w.qNorm() != null;
        if (qkNorm) qkNormBackward(b, a, w, n);
        Tensor x = b.residual[l];
        Tensor attnIn = preNorm(b.normed, null, x, w.preAttnNorm(), n);
        Tensor dAttnIn = preNormGradient(b, dR, w.preAttnNorm(), n);
        w.v().backward(device, dAttnIn, b.dv, attnIn, n, hidden[Projection.V.ordinal()], b.linear, mode);
        w.k().backward(device, dAttnIn, qkNorm ? b.dkRaw : b.dk, attnIn, n, hidden[Projection.K.ordinal()], b.linear, mode);
        w.q().backward(device, dAttnIn, qkNorm ? b.dqRaw : b.dq, attnIn, n, hidden[Projection.Q.ordinal()], b.linear, mode);
        preNormBackward(dR, dAttnIn, x, w.preAttnNorm(), a.rstd1(), n);
    }

    // ---- the family steps, each with its backward ----------------------------------------

    /** RMSNorm of {@code x} into {@code out} (rstd saved when given), or {@code x} itself where the family has no such norm. */
    private Tensor preNorm(Tensor out, Tensor rstd, Tensor x, DecoderLayer.Norm norm, int n) {
        if (norm == null) return x;
        k.rmsnormForward(out, rstd, x, norm.weight(), n, config.hiddenSize(), (float) config.rmsNormEps());
        return out;
    }

    /** Where the gradient of a pre-norm's output goes: a zeroed scratch, or straight into {@code dR} without a norm. */
    private Tensor preNormGradient(ActivationBuffers b, Tensor dR, DecoderLayer.Norm norm, int n) {
        if (norm == null) return dR;
        k.fill(b.dNormed, 0, (long) n * config.hiddenSize());
        return b.dNormed;
    }

    private void preNormBackward(Tensor dR, Tensor dOut, Tensor x, DecoderLayer.Norm norm, Tensor rstd, int n) {
        if (norm != null) k.rmsnormBackward(dR, norm.gradient(), dOut, x, norm.weight(), rstd, n, config.hiddenSize());
    }

    /** Gemma 2/3 and OLMo2: RMSNorm of a block's output {@code x} into {@code out} before the residual add. */
    private void postNorm(Tensor out, Tensor rstd, Tensor x, DecoderLayer.Norm norm, int n) {
        if (norm != null) k.rmsnormForward(out, rstd, x, norm.weight(), n, config.hiddenSize(), (float) config.rmsNormEps());
    }

    /** The gradient at the block's projection output: through the post-norm when there is one. */
    private Tensor postNormBackward(ActivationBuffers b, Tensor dOut, Tensor x, DecoderLayer.Norm norm, Tensor rstd, int n) {
        if (norm == null) return dOut;
        k.fill(b.dPost, 0, (long) n * config.hiddenSize());
        k.rmsnormBackward(b.dPost, norm.gradient(), dOut, x, norm.weight(), rstd, n, config.hiddenSize());
        return b.dPost;
    }

    /** {@link #residualAdd} into {@code sum} then {@link #preNorm} of it: one fused call where the family allows. */
    private Tensor residualAddPreNorm(Tensor sum, Tensor out, Tensor rstd, Tensor x, Tensor branch, DecoderLayer.Norm norm, int n) {
        if (norm == null || traits.residualScale() != 1) {
            residualAdd(sum, x, branch, (long) n * config.hiddenSize());
            return preNorm(out, rstd, sum, norm, n);
        }
        k.addRmsnormForward(sum, out, rstd, x, branch, norm.weight(), n, config.hiddenSize(), (float) config.rmsNormEps());
        return out;
    }

    /** {@code out = x + residualScale * branch} (Granite scales each block's output). */
    private void residualAdd(Tensor out, Tensor x, Tensor branch, long count) {
        if (traits.residualScale() == 1) {
            k.add(out, x, branch, count);
        } else {
            device.copy(x, 0, out, 0, count);
            k.axpy(out, traits.residualScale(), branch, count);
        }
    }

    /** The gradient at a block's output given {@code dResidual}: itself, or scaled by the residual multiplier. */
    private Tensor residualBranchGradient(ActivationBuffers b, int n) {
        if (traits.residualScale() == 1) return b.dResidual;
        long count = (long) n * config.hiddenSize();
        device.copy(b.dResidual, 0, b.dBranch, 0, count);
        k.scale(b.dBranch, traits.residualScale(), count);
        return b.dBranch;
    }

    /**
     * RoPE on q and k (their gradients when {@code inverse}): the layer's table, its rotary
     * dimensions (partial rotary), and transformers' attention factor of cos and sin (yarn, longrope).
     */
    private void rotate(Tensor q, Tensor key, Tensor positions, LayerAttention layer, int n, boolean inverse) {
        Tensor invFreq = rope.invFreq(layer);
        int rotaryDim = layer.rope().rotaryDim();
        float factor = (float) layer.rope().scaling().attentionFactor();
        k.ropeQK(q, key, positions, invFreq, n, config.numHeads(), config.numKvHeads(), config.headDim(), rotaryDim, factor, inverse);
    }

    /** Qwen3/Gemma 3 (per head) and OLMo2 (whole projection): RMSNorm on q and k before RoPE. */
    private void qkNormForward(ActivationBuffers.Layer a, DecoderLayer w, int n) {
        float eps = (float) config.rmsNormEps();
        if (traits.qkNorm() == FamilyTraits.QkNorm.PER_HEAD) {
            k.rmsnormForward(a.q(), a.rstdQ(), a.qRaw(), w.qNorm().weight(), n * config.numHeads(), config.headDim(), eps);
            k.rmsnormForward(a.k(), a.rstdK(), a.kRaw(), w.kNorm().weight(), n * config.numKvHeads(), config.headDim(), eps);
        } else {
            k.rmsnormForward(a.q(), a.rstdQ(), a.qRaw(), w.qNorm().weight(), n, config.qDim(), eps);
            k.rmsnormForward(a.k(), a.rstdK(), a.kRaw(), w.kNorm().weight(), n, config.kvDim(), eps);
        }
    }

    /** Turns {@code dq, dk} (at the norms' outputs) into {@code dqRaw, dkRaw} (at the projections' outputs). */
    private void qkNormBackward(ActivationBuffers b, ActivationBuffers.Layer a, DecoderLayer w, int n) {
        k.fill(b.dqRaw, 0, (long) n * config.qDim());
        k.fill(b.dkRaw, 0, (long) n * config.kvDim());
        boolean perHead = traits.qkNorm() == FamilyTraits.QkNorm.PER_HEAD;
        int qRows = perHead ? n * config.numHeads() : n, kRows = perHead ? n * config.numKvHeads() : n;
        int qDim = perHead ? config.headDim() : config.qDim(), kDim = perHead ? config.headDim() : config.kvDim();
        k.rmsnormBackward(b.dqRaw, w.qNorm().gradient(), b.dq, a.qRaw(), w.qNorm().weight(), a.rstdQ(), qRows, qDim);
        k.rmsnormBackward(b.dkRaw, w.kNorm().gradient(), b.dk, a.kRaw(), w.kNorm().weight(), a.rstdK(), kRows, kDim);
    }

    /** The gated MLP's activation: SwiGLU, or GeGLU with tanh-GELU (Gemma). */
    private void activation(Tensor out, Tensor gate, Tensor up, long count) {
        switch (traits.activation()) {
            case SILU -> k.swigluForward(out, gate, up, count);
            case GELU_TANH -> k.gegluForward(out, gate, up, count);
        }
    }

    private void activationBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long count) {
        switch (traits.activation()) {
            case SILU -> k.swigluBackward(dgate, dup, dout, gate, up, count);
            case GELU_TANH -> k.gegluBackward(dgate, dup, dout, gate, up, count);
        }
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
        int held = cache.reserve(n);
        if (b.windowStart != null) {
            // rows of the sliding layers' cache: query i sits at row held + i and sees the window ending there
            int[] first = new int[n];
            for (int i = 0; i < n; i++) first[i] = Math.max(0, held + i - config.slidingWindow() + 1);
            device.copyFromHost(first, 0, b.windowStart, 0, n);
        }
        rope.prepare(past + n);
        embed(b, tokens, n);
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
        rope.close();
        weights.free();
    }
}
