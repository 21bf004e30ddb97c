package com.mka1.core.registry.tiny;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default base model {@code mka1:tiny}: Andrej Karpathy's {@code stories260K} from
 * llama2.c (MIT license), a 260K-parameter Llama pretrained on TinyStories with its own 512-piece
 * SentencePiece BPE vocabulary, in the Hugging Face layout. Its files ship inside this jar (with
 * their license and provenance, see {@code stories260k/PROVENANCE.md} beside this class) and are
 * copied into the models directory on first use, so a fresh machine runs the whole product offline
 * with a model that writes real (children's story) English and that LoRA can teach.
 *
 * <p>It has no chat template: conversations use the ChatML plain-text fallback, each turn ending
 * with {@code </s>}.
 */
public final class Stories260k {
    private static final Logger log = LoggerFactory.getLogger(Stories260k.class);

    /** The model id. */
    public static final String ID = "mka1:tiny";
    /** Its directory below the models directory. */
    public static final String RELATIVE_DIR = "mka1/tiny";
    /** The files copied from the jar, byte for byte those of {@code ../shared/models/stories260k}. */
    public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json", "LICENSE", "PROVENANCE.md");
    private static final String RESOURCES = "stories260k/";

    private Stories260k() {}

    /**
     * Returns {@code <modelsDir>/mka1/tiny}, copying the model there from the jar first when it is
     * missing. A directory that holds another model (the random {@code mka1:tiny} of earlier
     * versions, which fine-tunes may still be based on) is left as it is, with a warning.
     */
    public static Path ensure(Path modelsDir) {
        Path dir = ModelDirectory.ensure(modelsDir, RELATIVE_DIR, ID, Stories260k::write);
        if (!isStories260k(dir)) {
            log.warn("{} holds another model than the embedded stories260k; it is served as {} unchanged "
                    + "(delete the directory to get stories260k)", dir, ID);
        }
        return dir;
    }

    private static boolean isStories260k(Path dir) {
        try (InputStream in = resource("config.json")) {
            return Arrays.equals(in.readAllBytes(), Files.readAllBytes(dir.resolve("config.json")));
        } catch (IOException e) {
            return false;
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Stories260k.class.getResourceAsStream(RESOURCES + name);
        if (in == null) {
            throw new IOException("the jar lacks the resource " + RESOURCES + name + " of " + ID);
        }
        return in;
    }

    /** Copies every file of the model from this jar's resources into {@code dir}. */
    static void write(Path dir) throws IOException {
        for (String name : FILES) {
            try (InputStream in = resource(name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
    }
}
