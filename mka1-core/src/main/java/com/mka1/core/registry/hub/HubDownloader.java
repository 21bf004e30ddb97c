package com.mka1.core.registry.hub;

import com.mka1.api.JsonValue;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a model from a hub that uses the Hugging Face URL layout: {@code GET
 * /api/models/<repo>?blobs=true} lists the files (with LFS SHA-256 and sizes), {@code GET
 * /<repo>/resolve/main/<file>} serves each one. Only what inference and training need is fetched
 * (config, tokenizer files, safetensors and their index). Downloads go to {@code <file>.part} and
 * resume from it with a {@code Range} request; a file is renamed into place only after its size and
 * SHA-256 (from the metadata, or an ETag that is a SHA-256) match.
 */
public final class HubDownloader {
    private static final Logger log = LoggerFactory.getLogger(HubDownloader.class);
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final List<String> WANTED_NAMES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model", "model.safetensors.index.json");
    /** The public hub; override with {@code MKA1_HUB_URL} or {@code --hub}. */
    public static final URI DEFAULT_HUB = URI.create("https://huggingface.co");

    private final URI hub;
    private final String token;
    private final HttpClient http;

    /** @param token a hub access token sent as a bearer token, or null */
    public HubDownloader(URI hub, String token) {
        this.hub = URI.create(hub.toString().endsWith("/") ? hub.toString() : hub + "/");
        this.token = token;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Whether a file belongs to what a model needs. */
    static boolean wanted(String name) {
        return !name.contains("/") && (WANTED_NAMES.contains(name) || name.endsWith(".safetensors"));
    }

    /** The files of {@code repoId} that will be downloaded. */
    public List<HubFile> listFiles(String repoId) {
        checkRepoId(repoId);
        HttpResponse<String> response = send(HttpRequest.newBuilder(hub.resolve("api/models/" + repoId + "?blobs=true")).GET(),
                HttpResponse.BodyHandlers.ofString(), repoId + " metadata");
        if (response.statusCode() != 200) {
            throw new ModelDownloadException("hub answered " + response.statusCode() + " for the metadata of " + repoId
                    + (response.statusCode() == 401 || response.statusCode() == 403 ? " (gated or private: set HF_TOKEN)" : ""));
        }
        List<HubFile> files = new ArrayList<>();
        List<JsonValue> siblings = FieldReader.of(Json.parse(response.body()), "").array("siblings");
        for (JsonValue s : siblings == null ? List.<JsonValue>of() : siblings) {
            FieldReader sibling = FieldReader.of(s, "siblings[]");
            String name = sibling.requiredString("rfilename");
            if (!wanted(name)) {
                continue;
            }
            Long size = sibling.longValue("size");
            String sha = null;
            FieldReader lfs = sibling.child("lfs");
            if (lfs != null) {
                sha = lfs.string("sha256");
                size = lfs.longValue("size") != null ? lfs.longValue("size") : size;
            }
            files.add(new HubFile(name, size == null ? -1 : size, sha));
        }
        if (files.stream().noneMatch(f -> f.name().equals("config.json"))) {
            throw new ModelDownloadException(repoId + " has no config.json; it is not a transformers model repository");
        }
        if (files.stream().noneMatch(f -> f.name().endsWith(".safetensors"))) {
            throw new ModelDownloadException(repoId + " has no .safetensors weights (only safetensors are supported)");
        }
        return files;
    }

    /**
     * Downloads {@code repoId} ("owner/name") into {@code <modelsDir>/<owner>/<name>/}, where it is
     * served as {@code owner:name}. Files already complete are skipped. Returns the model directory.
     */
    public Path pull(String repoId, Path modelsDir, DownloadListener listener) {
        List<HubFile> files = listFiles(repoId);
        Path dir = modelsDir.resolve(repoId);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ModelDownloadException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        for (HubFile file : files) {
            download(repoId, file, dir.resolve(file.name()), listener);
        }
        log.info("pulled {} ({} files) into {}", repoId, files.size(), dir);
        return dir;
    }

    private void download(String repoId, HubFile file, Path target, DownloadListener listener) {
        String what = repoId + "/" + file.name();
        try {
            if (Files.exists(target) && (file.size() < 0 || Files.size(target) == file.size())
                    && (file.sha256() == null || file.sha256().equals(sha256(target)))) {
                listener.fileFinished(file.name(), true);
                return;
            }
            Path part = target.resolveSibling(file.name() + ".part");
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (file.size() >= 0 && have > file.size()) {
                Files.delete(part);
                have = 0;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(hub.resolve(repoId + "/resolve/main/" + file.name())).GET();
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream(), what);
            boolean resumed = response.statusCode() == 206;
            if (response.statusCode() != 200 && !resumed) {
                response.body().close();
                throw new ModelDownloadException("hub answered " + response.statusCode() + " for " + what);
            }
            if (!resumed) {
                have = 0;
            }
            String expectedSha = file.sha256() != null ? file.sha256() : shaFromEtag(response);
            long total = file.size() >= 0 ? file.size() : response.headers().firstValueAsLong("Content-Length").orElse(-1) + have;
            listener.fileStarted(file.name(), total, have);
            try (InputStream in = response.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE,
                         resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[1 << 16];
                long done = have;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    done += n;
                    listener.progress(file.name(), done, total);
                }
            }
            long size = Files.size(part);
            if (file.size() >= 0 && size != file.size()) {
                throw new ModelDownloadException(what + ": got " + size + " bytes, the hub lists " + file.size()
                        + " (run the pull again to resume)");
            }
            if (expectedSha != null) {
                String actual = sha256(part);
                if (!actual.equals(expectedSha)) {
                    Files.delete(part);
                    throw new ModelDownloadException(what + ": SHA-256 " + actual + " does not match the hub's " + expectedSha);
                }
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            listener.fileFinished(file.name(), false);
        } catch (IOException e) {
            throw new ModelDownloadException(what + ": " + e.getMessage() + " (run the pull again to resume)", e);
        }
    }

    /** Hugging Face puts an LFS file's SHA-256 in X-Linked-Etag (ETag for direct answers). */
    private static String shaFromEtag(HttpResponse<?> response) {
        for (String header : List.of("X-Linked-Etag", "ETag")) {
            String value = response.headers().firstValue(header).orElse("").replace("W/", "").replace("\"", "").toLowerCase();
            if (SHA256.matcher(value).matches()) {
                return value;
            }
        }
        return null;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler, String what) {
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.header("User-Agent", "mka1-java").build(), handler);
        } catch (IOException e) {
            throw new ModelDownloadException("cannot reach the hub at " + hub + " for " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelDownloadException("interrupted while downloading " + what, e);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void checkRepoId(String repoId) {
        if (!REPO_ID.matcher(repoId).matches() || repoId.contains("..")) {
            throw new ModelDownloadException("'" + repoId + "' is not a hub repository id (expected owner/name)");
        }
    }
}
