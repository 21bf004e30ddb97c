package com.mka1.core.model;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Hugging Face PEFT adapter layout: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with tensors named
 * {@code base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight} (A {@code [r,in]},
 * B {@code [out,r]}), and trained token rows as {@link #TOKENS_DELTA} with their ids in
 * {@code trainable_token_indices} (PEFT 0.15+), as {@code PeftModel.from_pretrained} reads them.
 */
public final class PeftAdapter {
    public static final String PREFIX = "base_model.model.";
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** The trained rows of {@code trainable_token_indices} ({@code [k, hidden]}, the rows' values, not a difference), as PEFT names them. */
    public static final String TOKENS_DELTA = PREFIX + "model.embed_tokens.token_adapter.trainable_tokens_delta";
    private static final String TOKEN_INDICES = "trainable_token_indices";

    private PeftAdapter() {}

    /** Writes the adapter of a LoRA model into {@code dir} (created if needed). */
    public static void save(LlamaModel model, Path dir, String baseModelName) {
        if (!(model.trainableWeights() instanceof TrainableWeights.Lora(LoraSpec spec))) {
            throw new IllegalStateException("model has no LoRA adapter to save (fine-tuning: " + model.trainableWeights() + ")");
        }
        ComputeDevice dev = model.device();
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        TrainableTokens tokens = model.trainableTokens();
        if (tokens != null) {
            entries.add(new SafetensorsWriter.Entry.F32(TOKENS_DELTA, new int[] {tokens.ids().length, model.config().hiddenSize()},
                    tokens.download()));
        }
        for (DecoderLayer layer : model.layers()) {
            for (LinearLayer lin : layer.stored()) {
                if (lin.lora == null) continue;
                entries.add(new SafetensorsWriter.Entry.F32(PREFIX + lin.hfPrefix + ".lora_A.weight",
                        lin.lora.a().shape(), dev.download(lin.lora.a())));
                entries.add(new SafetensorsWriter.Entry.F32(PREFIX + lin.hfPrefix + ".lora_B.weight",
                        lin.lora.b().shape(), dev.download(lin.lora.b())));
            }
        }
        Map<String, JsonValue> config = new LinkedHashMap<>();
        config.put("peft_type", new JsonValue.Str("LORA"));
        config.put("task_type", new JsonValue.Str("CAUSAL_LM"));
        config.put("base_model_name_or_path", JsonValue.of(baseModelName));
        config.put("r", JsonValue.Num.of(spec.rank()));
        config.put("lora_alpha", Json.number(spec.alpha()));
        config.put("lora_dropout", Json.number(spec.dropout()));
        config.put("target_modules", new JsonValue.Arr(model.layers().getFirst().stored().stream().filter(lin -> lin.lora != null)
                .map(LinearLayer::module).<JsonValue>map(JsonValue.Str::new).toList()));
        config.put("bias", new JsonValue.Str("none"));
        config.put("fan_in_fan_out", new JsonValue.Bool(false));
        config.put("inference_mode", new JsonValue.Bool(true));
        config.put("use_rslora", new JsonValue.Bool(false));
        if (tokens != null) {
            config.put(TOKEN_INDICES, new JsonValue.Arr(Arrays.stream(tokens.ids()).<JsonValue>mapToObj(JsonValue.Num::of).toList()));
        }
        try {
            Files.createDirectories(dir);
            SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), entries, Map.of("format", "pt"));
            Files.writeString(dir.resolve(CONFIG_FILE), Json.write(Json.VALUE, new JsonValue.Obj(config)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write adapter to " + dir, e);
        }
    }

    /**
     * The LoRA settings stored in {@code dir/adapter_config.json} (dropout as saved, init seed 0);
     * a variant that is not plain LoRA is refused naming its field.
     */
    public static LoraSpec readSpec(Path dir) {
        Path file = dir.resolve(CONFIG_FILE);
        JsonValue.Obj json;
        try {
            json = Json.parseObject(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        JsonValue peftType = Json.field(json, "peft_type");
        if (!(peftType instanceof JsonValue.Str(String type) && type.equals("LORA"))) {
            throw new UnsupportedModelException(file + ": unsupported peft_type = " + Json.text(peftType));
        }
        for (String field : List.of("use_rslora", "use_dora", "rank_pattern", "alpha_pattern", "layers_to_transform",
                "modules_to_save", "exclude_modules")) {
            JsonValue v = Json.field(json, field);
            if (v != null && !(v instanceof JsonValue.Bool(boolean b) && !b) && !(v instanceof JsonValue.Obj o && o.fields().isEmpty())) {
                throw new UnsupportedModelException(file + ": unsupported " + field + " = " + Json.text(v)
                        + " (only plain LoRA trains; such adapters are served through com.mka1.core.adapter.AdapterMerge)");
            }
        }
        if (!(Json.integerOrNull(Json.field(json, "r")) instanceof Long r)) throw new UnsupportedModelException(file + ": field r must be an integer");
        if (!(Json.numberOrNull(Json.field(json, "lora_alpha")) instanceof Double alpha)) {
            throw new UnsupportedModelException(file + ": field lora_alpha must be a number");
        }
        double dropout = Json.numberOrNull(Json.field(json, "lora_dropout")) instanceof Double d ? d : 0;
        if (!(Json.field(json, "target_modules") instanceof JsonValue.Arr(List<JsonValue> modules))) {
            throw new UnsupportedModelException(file + ": field target_modules must be a list of module names");
        }
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        for (JsonValue m : modules) targets.addAll(Projection.parseModules(Json.text(m)));
        return new LoraSpec(r.intValue(), alpha.doubleValue(), dropout, targets, 0, tokenIndices(file, Json.field(json, TOKEN_INDICES)));
    }

    /**
     * {@code trainable_token_indices}: a list of ids (PEFT applies it to the input embedding, and
     * through tied weights to the head), or the same as {@code {"embed_tokens": [...]}}; other
     * layers are refused by name.
     */
    private static List<Integer> tokenIndices(Path file, JsonValue value) {
        if (value == null || value instanceof JsonValue.Null) return List.of();
        if (value instanceof JsonValue.Obj(Map<String, JsonValue> byLayer)) {
            for (String layer : byLayer.keySet()) {
                if (!layer.equals("embed_tokens")) {
                    throw new UnsupportedModelException(file + ": unsupported " + TOKEN_INDICES + " on layer " + layer + " (only embed_tokens)");
                }
            }
            return tokenIndices(file, byLayer.get("embed_tokens"));
        }
        if (!(value instanceof JsonValue.Arr(List<JsonValue> ids))) {
            throw new UnsupportedModelException(file + ": field " + TOKEN_INDICES + " must be a list of token ids");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonValue id : ids) {
            if (!(Json.integerOrNull(id) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE || out.contains(l.intValue())) {
                throw new UnsupportedModelException(file + ": field " + TOKEN_INDICES + " must list distinct token ids, got " + Json.text(id));
            }
            out.add(l.intValue());
        }
        return out;
    }

    /** Replaces the LoRA weights of {@code model} with those saved in {@code dir}. */
    public static void load(LlamaModel model, Path dir) {
        ComputeDevice dev = model.device();
        try (SafetensorsReader reader = SafetensorsReader.openFiles(List.of(dir.resolve(WEIGHTS_FILE)))) {
            TrainableTokens tokens = model.trainableTokens();
            if (tokens != null) {
                reader.info(TOKENS_DELTA).requireShape(tokens.ids().length, model.config().hiddenSize());
                tokens.upload(reader.readFloats(TOKENS_DELTA));
            }
            for (DecoderLayer layer : model.layers()) {
                for (LinearLayer lin : layer.stored()) {
                    if (lin.lora == null) continue;
                    upload(dev, reader, PREFIX + lin.hfPrefix + ".lora_A.weight", lin.lora.a());
                    upload(dev, reader, PREFIX + lin.hfPrefix + ".lora_B.weight", lin.lora.b());
                }
            }
        }
    }

    private static void upload(ComputeDevice dev, SafetensorsReader reader, String name, Tensor into) {
        reader.info(name).requireShape(into.shape());
        float[] values = reader.readFloats(name);
        dev.copyFromHost(values, 0, into, 0, values.length);
    }
}
