package com.mka1.core.model;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON fixture written by tools/reference/llama_reference.py (PyTorch, float64). */
record ReferenceFixture(PackedBatch batch, double[] logits, double lossSum, long correct, Map<String, double[]> grads,
                        JsonValue.Obj json) {

    static Path resource(String relative) {
        try {
            var url = ReferenceFixture.class.getResource("/" + relative);
            if (url == null) throw new IllegalStateException("missing test resource " + relative);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ReferenceFixture load(String name) {
        Path file = resource("reference/" + name);
        JsonValue.Obj json;
        try {
            json = Json.parseObject(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonValue.Obj b = (JsonValue.Obj) json.get("batch");
        var batch = new PackedBatch(Json.integerOrNull(b.get("batch")).intValue(), Json.integerOrNull(b.get("seqLen")).intValue(),
                ints(b.get("tokens")), ints(b.get("targets")), ints(b.get("positions")), ints(b.get("segStart")));
        Map<String, double[]> grads = new LinkedHashMap<>();
        ((JsonValue.Obj) json.get("grads")).fields().forEach((k, v) -> grads.put(k, doubles(v)));
        return new ReferenceFixture(batch, doubles(json.get("logits")), Json.numberOrNull(json.get("lossSum")),
                Json.integerOrNull(json.get("correct")), grads, json);
    }

    static int[] ints(JsonValue list) {
        return ((JsonValue.Arr) list).items().stream().mapToInt(o -> Json.integerOrNull(o).intValue()).toArray();
    }

    static double[] doubles(JsonValue list) {
        return ((JsonValue.Arr) list).items().stream().mapToDouble(Json::numberOrNull).toArray();
    }

    /** max |actual - expected| / max |expected|. */
    static double relativeError(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " values where the fixture has " + expected.length);
        }
        double err = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            err = Math.max(err, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return err / scale;
    }
}
