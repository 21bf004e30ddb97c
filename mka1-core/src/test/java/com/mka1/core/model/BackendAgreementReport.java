package com.mka1.core.model;

import com.mka1.core.compute.Backends;
import com.mka1.core.testing.SharedDir;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints how closely a backend's model results agree with the PyTorch fixtures (the same
 * comparisons {@link LlamaModelReferenceTest} makes on the reference backend). Not a test: run by
 * hand with the backend on the class path, e.g. {@code ... BackendAgreementReport cpu}.
 */
public final class BackendAgreementReport {
    public static void main(String[] args) {
        String backend = args.length > 0 ? args[0] : "reference";
        try (ComputeDevice device = Backends.installed().open(backend, BackendOptions.defaults())) {
            Path tiny = ReferenceFixture.resource("models/tiny-llama-bias");
            Path stories = SharedDir.resolve("models/stories260k");
            report(device, "tiny-llama-bias full", tiny, new TrainableWeights.Full(), null, "tiny-llama-bias-full.json");
            report(device, "tiny-llama-bias LoRA", tiny, new TrainableWeights.Lora(PeftAdapter.readSpec(tiny.resolve("lora"))),
                    tiny.resolve("lora"), "tiny-llama-bias-lora.json");
            report(device, "stories260k full", stories, new TrainableWeights.Full(), null, "stories260k.json");
            greedy(device, stories);
        }
    }

    private static void report(ComputeDevice device, String label, Path dir, TrainableWeights mode, Path adapter, String fixture) {
        var fx = ReferenceFixture.load(fixture);
        try (var model = LlamaModel.load(dir, device, mode, false)) {
            if (adapter != null) PeftAdapter.load(model, adapter);
            double logits = ReferenceFixture.relativeError(model.logits(fx.batch()), fx.logits());
            model.zeroGradients();
            BatchResult r = model.forwardBackward(fx.batch(), 1f / fx.batch().targetCount(), 0);
            Map<String, Parameter> byName = model.trainableParameters().stream().collect(Collectors.toMap(Parameter::name, p -> p));
            double grads = fx.grads().entrySet().stream().mapToDouble(e ->
                    ReferenceFixture.relativeError(device.download(byName.get(e.getKey()).gradient()), e.getValue())).max().orElseThrow();
            System.out.printf("%s on %s: logits rel err %.2e, loss rel err %.2e, max grad rel err %.2e (%d tensors)%n",
                    label, device.backendName(), logits, Math.abs(r.lossSum() - fx.lossSum()) / Math.abs(fx.lossSum()), grads,
                    fx.grads().size());
        }
    }

    private static void greedy(ComputeDevice device, Path stories) {
        var fx = ReferenceFixture.load("stories260k.json");
        int[] prompt = ReferenceFixture.ints(fx.json().get("greedyPrompt"));
        int[] expected = ReferenceFixture.ints(fx.json().get("greedyIds"));
        try (var model = LlamaModel.load(stories, device, new TrainableWeights.Frozen(), false);
             var cache = model.newKvCache(prompt.length + expected.length)) {
            int vocab = model.config().vocabSize();
            int[] ids = new int[expected.length];
            float[] logits = model.nextTokenLogits(prompt, cache);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = LlamaModelReferenceTest.argmax(logits, 0, vocab);
                if (i + 1 < ids.length) logits = model.nextTokenLogits(new int[] {ids[i]}, cache);
            }
            System.out.printf("stories260k greedy ids on %s: %s PyTorch%n", device.backendName(),
                    Arrays.equals(ids, expected) ? "identical to" : "DIFFERENT from");
        }
    }
}
