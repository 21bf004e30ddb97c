package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.JsonValue;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.FileObjectCodec;
import com.mka1.core.json.Json;
import com.mka1.core.json.ResponseCodec;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TestServer.CliRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEFT adapters made elsewhere, added with {@code mka1 models add} beside stories260k, served over
 * HTTP and exported over HTTP. The adapters are the nine PEFT 0.21 ones of
 * {@code ../shared/adapters/stories260k/}: {@code mka1 generate} on their prompts gives PEFT's greedy
 * ids, and {@code /v1/responses} gives the greedy answer of the adapter's merged Hugging Face export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeftAdaptersOverHttpTest {
    private static final String QUESTION = "Once upon a time";

    @TempDir
    static Path dir;

    private TestServer server;
    private Path models;
    private List<String> variants;

    private static Path shared(String relative) {
        Path p = Path.of(System.getProperty("mka1.shared.dir", "../../shared")).resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("../shared/" + relative + " not found at " + p.toAbsolutePath()
                    + "; it must sit beside the project root, or pass -Dmka1.shared.dir=DIR");
        }
        return p;
    }

    @BeforeAll
    void addAdaptersAndStart() throws IOException {
        models = dir.resolve("models");
        Path base = Files.createDirectories(models.resolve("stories260k"));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(shared("models/stories260k").resolve(f), base.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        server = TestServer.start(dir, new ScriptedTrainer(2, 1, 10));
        try (Stream<Path> list = Files.list(shared("adapters/stories260k"))) {
            variants = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String v : variants) {
            CliRun add = local("models", "add", shared("adapters/stories260k/" + v).toString(), "--name", "peft:" + v);
            assertThat(add.exitCode()).as(add.err()).isZero();
            assertThat(add.out()).isEqualTo("adapter peft:" + v + " is ready in " + models.resolve("peft").resolve(v) + "\n");
        }
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private CliRun local(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--models-dir", models.toString(), "--data-dir", dir.toString(), "--backend", "reference"));
        return server.cli(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void everyAdapterIsListedAndGivesPeftsGreedyIdsThroughTheCli() throws IOException {
        assertThat(variants).hasSize(9);
        Reply list = server.http.get("/v1/models", TestServer.bearer(TestServer.USER_KEY));
        for (String v : variants) {
            assertThat(list.body()).contains("\"id\":\"peft:" + v + "\"");
            JsonValue.Obj ref = Json.parseObject(Files.readAllBytes(shared("adapters/stories260k/" + v + "/reference.json")), v);
            for (JsonValue o : ((JsonValue.Arr) ref.get("prompts")).items()) {
                JsonValue.Obj prompt = (JsonValue.Obj) o;
                String promptIds = ids(prompt.get("prompt_ids"));
                String greedy = ids(prompt.get("greedy_ids"));
                CliRun run = local("generate", "--model", "peft:" + v, "--prompt-ids", promptIds, "--max-tokens", "24",
                        "--print-ids", "true");
                assertThat(run.exitCode()).as(run.err()).isZero();
                String expected = greedy.contains(",2,") ? greedy.substring(0, greedy.indexOf(",2,")) : greedy;
                assertThat(run.out().strip()).as("%s after %s", v, promptIds).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyAdapterAnswersOverHttpAsItsMergedExportDoes() {
        for (String v : variants) {
            Path merged = models.resolve("merged-" + v);
            CliRun export = local("models", "export", "peft:" + v, "--format", "hf", "--output", merged.toString());
            assertThat(export.exitCode()).as(export.err()).isZero();
            String adapterAnswer = greedyAnswer("peft:" + v);
            assertThat(adapterAnswer).as(v).isNotBlank().isEqualTo(greedyAnswer("local:merged-" + v));
        }
    }

    /** The greedy answer of {@code model} to {@link #QUESTION} over HTTP. */
    private String greedyAnswer(String model) {
        Reply reply = server.http.postJson("/v1/responses", "{\"model\":\"" + model + "\",\"input\":\"" + QUESTION
                + "\",\"temperature\":0,\"max_output_tokens\":16}", TestServer.bearer(TestServer.USER_KEY));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return ResponseCodec.INSTANCE.read(Json.parse(reply.body().getBytes())).outputText();
    }

    @Test
    void exportsOverHttpAreFilesOfTheCaller() throws IOException {
        String[] admin = TestServer.bearer(TestServer.ADMIN_KEY, "X-On-Behalf-Of", "user-7");
        Reply gguf = server.http.postJson("/v1/models/peft:dora/export", "{\"format\":\"gguf\",\"type\":\"q8_0\"}", admin);
        assertThat(gguf.status()).as(gguf.body()).isEqualTo(200);
        var file = FileObjectCodec.INSTANCE.read(Json.parse(gguf.body().getBytes()));
        assertThat(file.filename()).isEqualTo("peft-dora.q8_0.gguf");
        assertThat(file.purpose().wireName()).isEqualTo("fine-tune-results");
        Reply content = server.http.get("/v1/files/" + file.id() + "/content", admin);
        assertThat(content.body()).startsWith("GGUF");
        assertThat(server.http.get("/v1/files/" + file.id(), TestServer.bearer(TestServer.ADMIN_KEY, "X-On-Behalf-Of", "user-8"))
                .status()).as("another end user's file").isEqualTo(404);
        assertThat(server.http.get("/v1/files/" + file.id(), TestServer.bearer(TestServer.ADMIN_KEY)).status())
                .as("the key holder sees every file").isEqualTo(200);

        Reply hf = server.http.postJson("/v1/models/peft:modules-to-save-norm/export", "{\"format\":\"hf\"}", admin);
        assertThat(hf.status()).as(hf.body()).isEqualTo(200);
        String zipId = FileObjectCodec.INSTANCE.read(Json.parse(hf.body().getBytes())).id();
        byte[] zip;
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            zip = client.send(server.http.request("/v1/files/" + zipId + "/content", admin).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(zipEntries(zip)).containsExactly("peft-modules-to-save-norm/config.json",
                "peft-modules-to-save-norm/model.safetensors", "peft-modules-to-save-norm/tokenizer.json",
                "peft-modules-to-save-norm/tokenizer_config.json");

        CliRun viaCli = server.cli("llm", "models", "export", "--model", "peft:lora-qv-r4", "--body", "{\"type\":\"bf16\"}");
        assertThat(viaCli.exitCode()).as(viaCli.err()).isZero();
        var exported = FileObjectCodec.INSTANCE.read(Json.parse(viaCli.out().getBytes()));
        assertThat(exported.filename()).isEqualTo("peft-lora-qv-r4.bf16.gguf");
        assertThat(exported.purpose().wireName()).isEqualTo("fine-tune-results");

        Reply badType = server.http.postJson("/v1/models/peft:dora/export", "{\"type\":\"q4_k\"}", admin);
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.body()).contains("\"param\":\"type\"").contains("unknown GGUF type 'q4_k'");
        Reply doraLora = server.http.postJson("/v1/models/peft:dora/export", "{\"format\":\"gguf-lora\"}", admin);
        assertThat(doraLora.status()).isEqualTo(400);
        assertThat(doraLora.body()).contains("\"code\":\"model_not_exportable\"").contains("use_dora");
        Reply user = server.http.postJson("/v1/models/peft:dora/export", "{}", TestServer.bearer(TestServer.USER_KEY));
        assertThat(user.status()).as("exports are admin-only").isEqualTo(403);
    }

    @Test
    void theCliExportsLocally() throws IOException {
        Path gguf = dir.resolve("out/qv.gguf");
        CliRun run = local("models", "export", "peft:lora-qv-r4", "--type", "q8_0", "--output", gguf.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(gguf + "\n");
        byte[] bytes = Files.readAllBytes(gguf);
        assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GGUF");
        assertThat(bytes[4]).as("GGUF version 3").isEqualTo((byte) 3);

        Path hf = dir.resolve("out/qv-merged");
        run = local("models", "export", "peft:lora-qv-r4", "--format", "hf", "--output", hf.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (Stream<Path> files = Files.list(hf)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("config.json",
                    "model.safetensors", "tokenizer.json", "tokenizer_config.json");
        }
        CliRun lora = local("models", "export", "local:stories260k", "--format", "gguf-lora");
        assertThat(lora.exitCode()).isEqualTo(1);
        assertThat(lora.err()).contains("model 'local:stories260k' is not a LoRA adapter");
    }

    @Test
    void anAdapterWithAnUnsupportedSettingIsRefusedByName() throws IOException {
        Path odd = dir.resolve("odd");
        Files.createDirectories(odd);
        Path source = shared("adapters/stories260k/lora-qv-r4");
        Files.copy(source.resolve("adapter_model.safetensors"), odd.resolve("adapter_model.safetensors"));
        Files.writeString(odd.resolve("adapter_config.json"), Files.readString(source.resolve("adapter_config.json"))
                .replace("\"lora_bias\": false", "\"lora_bias\": true"));
        CliRun add = local("models", "add", odd.toString(), "--name", "peft:odd");
        assertThat(add.exitCode()).isEqualTo(1);
        assertThat(add.err()).contains("unsupported lora_bias = true");
        assertThat(models.resolve("peft/odd")).doesNotExist();

        Path copy = Files.createDirectories(models.resolve("peft/odd-copied"));
        for (Path f : List.of(odd.resolve("adapter_config.json"), odd.resolve("adapter_model.safetensors"))) {
            Files.copy(f, copy.resolve(f.getFileName()));
        }
        Reply reply = server.http.postJson("/v1/responses", "{\"model\":\"peft:odd-copied\",\"input\":\"Hi\"}",
                TestServer.bearer(TestServer.USER_KEY));
        assertThat(reply.status()).isEqualTo(400);
        FieldReader error = FieldReader.of(Json.parse(reply.body().getBytes()), "").child("error");
        assertThat(error.string("code")).isEqualTo("model_not_servable");
        assertThat(error.string("message")).contains("unsupported lora_bias = true");
    }

    private static String ids(JsonValue values) {
        return ((JsonValue.Arr) values).items().stream().map(Json::text).collect(Collectors.joining(","));
    }

    private static List<String> zipEntries(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) names.add(e.getName());
        }
        return names;
    }
}
