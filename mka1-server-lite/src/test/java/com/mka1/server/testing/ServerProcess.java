package com.mka1.server.testing;

import com.mka1.server.cli.Cli;
import com.mka1.server.cli.CommandRegistry;
import com.mka1.server.cli.ServeCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mka1 serve} in a process of its own (the real command, with {@link ScriptedTrainer} as
 * its trainer and {@value TestServer#BASE_MODEL} as its base model), so a test can kill it with
 * SIGKILL, or give it JVM-wide settings, such as the JDK server's connection limits.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("MKA1 server on (http://\\S+)");

    private final Process process;
    private final Path log;
    public final HttpTestClient http;
    public final URI root;

    private ServerProcess(Process process, Path log, URI root) {
        this.process = process;
        this.log = log;
        this.root = root;
        this.http = new HttpTestClient(root);
    }

    /**
     * The child: {@code <steps> <stepMillis> <checkpointEvery> serve-args...}; serves until killed.
     */
    public static void main(String[] args) {
        ScriptedTrainer trainer = new ScriptedTrainer(Integer.parseInt(args[0]), Long.parseLong(args[1]),
                Integer.parseInt(args[2]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int code = new Cli(new CommandRegistry().add(new ServeCommand(() -> trainer)), out, System.err,
                Map.of("MKA1_API_KEYS", TestServer.ADMIN_KEY + ":admin," + TestServer.USER_KEY + ":user"))
                .run(List.of(args).subList(3, args.length).toArray(String[]::new));
        System.exit(code);
    }

    /**
     * Starts {@code mka1 serve} on {@code dataDir} (an ephemeral loopback port) and waits until it
     * listens.
     *
     * @param jvmProperties {@code -D} settings of the child JVM
     * @param serveFlags    more {@code serve} flags
     */
    public static ServerProcess start(Path dataDir, int steps, long stepMillis, int checkpointEvery,
                                      List<String> jvmProperties, String... serveFlags) {
        try {
            Files.createDirectories(dataDir.resolve("models/test/base"));
            Files.writeString(dataDir.resolve("models/test/base/config.json"),
                    "{\"architectures\":[\"LlamaForCausalLM\"],\"max_position_embeddings\":4096}");
            Path log = Files.createTempFile(dataDir.getParent(), "server-", ".log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
            command.addAll(jvmProperties);
            command.addAll(List.of(ServerProcess.class.getName(), Integer.toString(steps), Long.toString(stepMillis),
                    Integer.toString(checkpointEvery), "serve", "--host", "127.0.0.1", "--port", "0",
                    "--data-dir", dataDir.toString(), "--shutdown-grace-seconds", "1"));
            command.addAll(List.of(serveFlags));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) return new ServerProcess(process, log, URI.create(m.group(1)));
                if (!process.isAlive()) break;
                Thread.sleep(20);
            }
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the server did not start; its output:\n" + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the server printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
