package com.mka1.core.export;

import com.mka1.core.adapter.AdapterConfig;
import com.mka1.core.model.LlamaConfig;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.model.Projection;
import com.mka1.core.safetensors.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A PEFT LoRA adapter as a llama.cpp LoRA adapter GGUF ({@code general.type = "adapter"}):
 * {@code blk.N.attn_q.weight.lora_a} / {@code .lora_b} per targeted projection, B rows permuted
 * like the base's Q and K. llama.cpp scales each pair by {@code alpha / rank} from one global alpha;
 * per-module scaling (rsLoRA, patterns) is folded into B instead and alpha written as 0, which
 * llama.cpp reads as scale 1. DoRA and {@code modules_to_save} cannot be expressed and are refused.
 */
public final class GgufLoraExport {
    private GgufLoraExport() {}

    public static void write(Path adapterDir, LlamaConfig base, String name, GgufType type, Path file) throws IOException {
        AdapterConfig config = AdapterConfig.read(adapterDir);
        if (config.dora()) throw new UnsupportedExportException("a DoRA adapter (use_dora) has no llama.cpp LoRA form; export the merged model");
        if (!config.modulesToSave().isEmpty()) {
            throw new UnsupportedExportException("an adapter with modules_to_save has no llama.cpp LoRA form; export the merged model");
        }
        if (!config.trainableTokens().isEmpty()) {
            throw new UnsupportedExportException("an adapter with trainable_token_indices has no llama.cpp LoRA form; export the merged model");
        }
        if (config.targets("lm_head") || config.targets("model.embed_tokens")) {
            throw new UnsupportedExportException("an adapter on lm_head or embed_tokens has no llama.cpp LoRA form here; export the merged model");
        }
        String arch = GgufExport.architecture(base);
        GgufWriter gguf = new GgufWriter();
        gguf.put("general.architecture", arch).put("general.type", "adapter").put("general.name", name)
                .putUint("general.alignment", GgufWriter.ALIGNMENT)
                .put("adapter.type", "lora").put("adapter.lora.alpha", 0f);
        int pairs = 0;
        try (SafetensorsReader reader = SafetensorsReader.openFiles(List.of(adapterDir.resolve(PeftAdapter.WEIGHTS_FILE)))) {
            for (int l = 0; l < base.numLayers(); l++) {
                for (Projection p : Projection.values()) {
                    String module = p.hfPrefix(l);
                    if (!config.targets(module)) continue;
                    String prefix = PeftAdapter.PREFIX + module;
                    float[] a = reader.readFloats(prefix + ".lora_A.weight");
                    float[] b = reader.readFloats(prefix + ".lora_B.weight");
                    int[] aShape = reader.info(prefix + ".lora_A.weight").shape(), bShape = reader.info(prefix + ".lora_B.weight").shape();
                    float s = (float) config.scaling(module);
                    for (int i = 0; i < b.length; i++) b[i] *= s;
                    if (arch.equals("llama") && p == Projection.Q) b = GgufExport.permuteRows(b, base.numHeads(), bShape);
                    if (arch.equals("llama") && p == Projection.K) b = GgufExport.permuteRows(b, base.numKvHeads(), bShape);
                    String tensor = GgufExport.tensorName(module + ".weight");
                    gguf.add(new GgufWriter.Tensor(tensor + ".lora_a", aShape, a, GgufExport.storedType(type, aShape)));
                    gguf.add(new GgufWriter.Tensor(tensor + ".lora_b", bShape, b, GgufExport.storedType(type, bShape)));
                    pairs++;
                }
            }
        }
        if (pairs == 0) throw new UnsupportedExportException("the adapter targets no projection of the model");
        gguf.write(file);
    }
}
