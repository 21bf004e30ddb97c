package com.mka1.bench;

import com.mka1.core.tokenizer.BpeTokenizer;
import com.mka1.core.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding text with the real 32000-token Llama 2 tokenizer (../shared/tokenizers/llama2, or
 * -Dmka1.shared.dir=DIR). Llama 2 has no pre-tokenizer, so a whole text is one BPE word and is never
 * served from the word cache: this measures the merge loop itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenizerBenchmark {

    /** Text length in characters. */
    @Param({"4096", "65536"})
    public int chars;

    private BpeTokenizer tokenizer;
    private String text;

    @Setup
    public void setUp() {
        Path shared = Path.of(System.getProperty("mka1.shared.dir", "../shared"));
        Path dir = shared.resolve("tokenizers/llama2");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IllegalStateException("no Llama 2 tokenizer at " + dir.toAbsolutePath() + "; pass -Dmka1.shared.dir=DIR");
        }
        tokenizer = Tokenizers.load(dir);
        String[] words = ("Once upon a time there was a little girl named Lily who loved to play outside in the sunshine "
                + "with her dog Max. Ünïcödé façade 中文字符 🙂 1234").split(" ");
        Random random = new Random(1);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < chars) {
            sb.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? ".\n" : " ");
        }
        text = sb.substring(0, chars);
    }

    @Benchmark
    public int[] encode() {
        return tokenizer.encode(text, true);
    }
}
