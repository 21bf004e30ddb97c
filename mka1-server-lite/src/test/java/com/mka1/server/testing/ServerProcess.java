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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mka1 serve} in a process of its own (the real command, with {@link ScriptedTrainer} as
 * its trainer and {@value TestServer#BASE_MODEL} as its base model, or with the installed trainer),
 * so a test can kill it with SIGKILL, or give it JVM-wide settings, such as the JDK server's
 * connection limits.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("MKA1 server on (http://\\S+)");
    private static final String INSTALLED_TRAINER = "installed";

    private final Process process;
    private final Path dataDir;
    private final Path log;
    public final HttpTestClient http;
    public final URI root;

    private ServerProcess(Process process, Path dataDir, Path log, URI root) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.root = root;
        this.http = new HttpTestClient(root);
    }

    /**
     * The child: {@code <steps> <stepMillis> <checkpointEvery> serve-args...} (the {@link ScriptedTrainer}),
     * or {@code installed serve-args...} (the installed trainer, the engine's LlamaTrainer); serves
     * until killed. Its AWS_* variables reach {@code serve} (the S3 settings of {@code --blobs}).
     */
    public static void main(String[] args) {
        boolean installed = args[0].equals(INSTALLED_TRAINER);
        ScriptedTrainer trainer = installed ? null : new ScriptedTrainer(Integer.parseInt(args[0]), Long.parseLong(args[1]),
                Integer.parseInt(args[2]));
        Map<String, String> env = new HashMap<>(Map.of("MKA1_API_KEYS",
                TestServer.ADMIN_KEY + ":admin," + TestServer.USER_KEY + ":user"));
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("AWS_")) env.put(name, value);
        });
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int code = new Cli(new CommandRegistry().add(new ServeCommand(installed ? null : () -> trainer)), out, System.err, env)
                .run(List.of(args).subList(installed ? 1 : 3, args.length).toArray(String[]::new));
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
        List<String> command = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
        command.addAll(jvmProperties);
        command.addAll(List.of(ServerProcess.class.getName(), Integer.toString(steps), Long.toString(stepMillis),
                Integer.toString(checkpointEvery)));
        return launch(dataDir, Map.of(), command, serveFlags);
    }

    /**
     * Starts {@code mka1 serve} with the installed trainer (real training: the engine's
     * LlamaTrainer on the backend {@code serveFlags} names) and waits until it listens.
     *
     * @param environment variables of the child (the AWS_* settings of {@code --blobs})
     */
    public static ServerProcess startTraining(Path dataDir, Map<String, String> environment, String... serveFlags) {
        return launch(dataDir, environment, List.of(ServerProcess.class.getName(), INSTALLED_TRAINER), serveFlags);
    }

    private static ServerProcess launch(Path dataDir, Map<String, String> environment, List<String> javaArgs,
                                        String... serveFlags) {
        try {
            Files.createDirectories(dataDir.resolve("models/test/base"));
            Files.writeString(dataDir.resolve("models/test/base/config.json"),
                    "{\"architectures\":[\"LlamaForCausalLM\"],\"max_position_embeddings\":4096}");
            Path log = Files.createTempFile(dataDir.getParent(), "server-", ".log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Xmx256m", "-Xshare:auto"));
            command.addAll(javaArgs);
            command.addAll(List.of("serve", "--host", "127.0.0.1", "--port", "0",
                    "--data-dir", dataDir.toString(), "--shutdown-grace-seconds", "1"));
            command.addAll(List.of(serveFlags));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) return new ServerProcess(process, dataDir, log, URI.create(m.group(1)));
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

    /** The server's {@code --data-dir}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Everything the server printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean alive() {
        return process.isAlive();
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
