package com.mka1.core.registry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the downloader against a loopback server that serves fixtures in the Hugging Face URL layout. */
class HubDownloaderTest {
    private static final String REPO = "acme/tiny-llama";

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> rangeHeaders = new ArrayList<>();
    private volatile boolean corruptWeights;
    private LoopbackHttpServer server;
    private URI hub;

    @TempDir
    Path models;

    @BeforeEach
    void start() throws IOException {
        byte[] weights = new byte[300_000];
        new Random(5).nextBytes(weights);
        files.put("config.json", "{\"model_type\":\"llama\"}".getBytes(StandardCharsets.UTF_8));
        files.put("tokenizer.json", "{\"model\":{}}".getBytes(StandardCharsets.UTF_8));
        files.put("model.safetensors", weights);
        files.put("README.md", "not wanted".getBytes(StandardCharsets.UTF_8));
        server = new LoopbackHttpServer(request -> {
            if (request.path().equals("/api/models/" + REPO)) {
                return metadata();
            }
            if (request.path().startsWith("/" + REPO + "/resolve/main/")) {
                return resolve(request);
            }
            return new LoopbackHttpServer.Reply(404, new byte[0], Map.of());
        });
        hub = server.uri();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private LoopbackHttpServer.Reply metadata() {
        String body = "{\"id\":\"" + REPO + "\",\"siblings\":["
                + "{\"rfilename\":\".gitattributes\",\"size\":10},"
                + "{\"rfilename\":\"README.md\",\"size\":10},"
                + "{\"rfilename\":\"config.json\",\"size\":" + files.get("config.json").length + "},"
                + "{\"rfilename\":\"tokenizer.json\",\"size\":" + files.get("tokenizer.json").length + "},"
                + "{\"rfilename\":\"model.safetensors\",\"size\":" + files.get("model.safetensors").length
                + ",\"lfs\":{\"sha256\":\"" + sha256(files.get("model.safetensors")) + "\",\"size\":"
                + files.get("model.safetensors").length + ",\"pointerSize\":134}}]}";
        return new LoopbackHttpServer.Reply(200, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private LoopbackHttpServer.Reply resolve(LoopbackHttpServer.Request request) {
        String name = request.path().substring(("/" + REPO + "/resolve/main/").length());
        byte[] data = files.get(name);
        if (data == null) {
            return new LoopbackHttpServer.Reply(404, new byte[0], Map.of());
        }
        if (name.equals("model.safetensors") && corruptWeights) {
            data = data.clone();
            data[1000] ^= 1;
        }
        String range = request.header("Range");
        synchronized (rangeHeaders) {
            rangeHeaders.add(name + " " + range);
        }
        if (range != null) {
            int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            byte[] rest = java.util.Arrays.copyOfRange(data, from, data.length);
            return new LoopbackHttpServer.Reply(206, rest, Map.of("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length));
        }
        return new LoopbackHttpServer.Reply(200, data, Map.of());
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pullsTheModelFilesIntoOwnerNameAndSkipsTheRest() throws IOException {
        List<String> finished = new ArrayList<>();
        Path dir = new HubDownloader(hub, null).pull(REPO, models, new DownloadListener() {
            @Override
            public void fileFinished(String name, boolean skipped) {
                finished.add(name + (skipped ? " skipped" : ""));
            }
        });
        assertThat(dir).isEqualTo(models.resolve("acme").resolve("tiny-llama"));
        assertThat(finished).containsExactly("config.json", "tokenizer.json", "model.safetensors");
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo("{\"model_type\":\"llama\"}");
        assertThat(dir.resolve("README.md")).doesNotExist();

        finished.clear();
        new HubDownloader(hub, null).pull(REPO, models, new DownloadListener() {
            @Override
            public void fileFinished(String name, boolean skipped) {
                finished.add(name + (skipped ? " skipped" : ""));
            }
        });
        assertThat(finished).containsExactly("config.json skipped", "tokenizer.json skipped", "model.safetensors skipped");
    }

    @Test
    void resumesAPartialDownloadWithARangeRequest() throws IOException {
        Path dir = Files.createDirectories(models.resolve(REPO));
        byte[] weights = files.get("model.safetensors");
        Files.write(dir.resolve("model.safetensors.part"), java.util.Arrays.copyOf(weights, 123_456));
        long[] resumedFrom = {-1};
        new HubDownloader(hub, null).pull(REPO, models, new DownloadListener() {
            @Override
            public void fileStarted(String name, long total, long alreadyHave) {
                if (name.equals("model.safetensors")) {
                    resumedFrom[0] = alreadyHave;
                    assertThat(total).isEqualTo(weights.length);
                }
            }
        });
        assertThat(rangeHeaders).contains("model.safetensors bytes=123456-");
        assertThat(resumedFrom[0]).isEqualTo(123_456);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(weights);
        assertThat(dir.resolve("model.safetensors.part")).doesNotExist();
    }

    @Test
    void rejectsAFileWhoseChecksumDiffers() {
        corruptWeights = true;
        assertThatThrownBy(() -> new HubDownloader(hub, null).pull(REPO, models, DownloadListener.NONE))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("acme/tiny-llama/model.safetensors: SHA-256")
                .hasMessageContaining("does not match the hub's " + sha256(files.get("model.safetensors")));
        assertThat(models.resolve(REPO).resolve("model.safetensors")).doesNotExist();
        assertThat(models.resolve(REPO).resolve("model.safetensors.part")).doesNotExist();
    }

    @Test
    void reportsUnknownRepositoriesAndBadIds() {
        assertThatThrownBy(() -> new HubDownloader(hub, null).pull("acme/missing", models, DownloadListener.NONE))
                .isInstanceOf(ModelDownloadException.class).hasMessage("hub answered 404 for the metadata of acme/missing");
        assertThatThrownBy(() -> new HubDownloader(hub, null).pull("../etc", models, DownloadListener.NONE))
                .hasMessage("'../etc' is not a hub repository id (expected owner/name)");
    }
}
