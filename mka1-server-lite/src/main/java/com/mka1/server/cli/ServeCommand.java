package com.mka1.server.cli;

import com.mka1.core.EmbeddedMka1;
import com.mka1.core.train.Trainer;
import com.mka1.server.Mka1Server;
import com.mka1.server.api.ApiErrors;
import com.mka1.server.api.ApiRoutes;
import com.mka1.server.config.ConfigException;
import com.mka1.server.config.ServerConfig;
import com.mka1.spi.BackendUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * {@code mka1 serve}: opens the engine on the data directory (resuming unfinished jobs), starts
 * the HTTP server and runs until the process is stopped (Ctrl-C, SIGTERM), then shuts down
 * gracefully. Jobs train with the installed trainer service (the engine's LlamaTrainer) unless another is given.
 */
public final class ServeCommand implements Command {
    private final Supplier<Trainer> trainers;

    public ServeCommand() {
        this(null);
    }

    /** With a given trainer (tests, embedders); null for the installed one. */
    public ServeCommand(Supplier<Trainer> trainers) {
        this.trainers = trainers;
    }

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "Run the API server (files, fine-tuning, responses, models) until stopped";
    }

    @Override
    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        for (String flag : ServerConfig.FLAGS) {
            flags.add("--" + flag + " " + flag.replace('-', '_').toUpperCase(java.util.Locale.ROOT));
        }
        return flags;
    }

    @Override
    public String help() {
        return ServerConfig.HELP;
    }

    @Override
    public int run(CommandContext context) throws IOException, InterruptedException {
        Mka1Server server = start(context);
        context.out().println("MKA1 server on " + server.baseUri() + "  (API under /v1 and /api/v1/llm, health at"
                + " /health; Ctrl-C stops it)");
        context.out().println("Dashboard: " + server.baseUri().resolve("/dashboard/"));
        context.out().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mka1-shutdown"));
        stopped.await();
        return 0;
    }

    /** Opens the engine and starts listening; the caller closes the server (which closes the engine). */
    public Mka1Server start(CommandContext context) throws IOException {
        Map<String, String> flags = new HashMap<>();
        for (String flag : ServerConfig.FLAGS) {
            if (context.options().has(flag)) {
                flags.put(flag, context.options().get(flag));
            }
        }
        ServerConfig config;
        try {
            config = ServerConfig.resolve(flags, context.env());
            Mka1Server.checkExposure(config.host(), config.apiKeys());
        } catch (ConfigException e) {
            throw new CliException(e.getMessage());
        }
        config.connections().apply(); // before the JDK server reads them
        EmbeddedMka1.Builder builder = EmbeddedMka1.builder()
                .dataDir(config.dataDir())
                .modelsDir(config.modelsDir())
                .backend(config.backend())
                .concurrentJobs(config.concurrentJobs())
                .maxUploadBytes(config.limits().maxUploadBytes())
                .modelCacheBytes(config.modelCacheBytes())
                .responseRetention(Duration.ofDays(config.responseRetentionDays()));
        if (config.recomputeActivations()) {
            builder.recomputeActivations(true);
        }
        if (trainers != null) {
            builder.trainer(trainers.get());
        }
        SharedStores shared = SharedStores.open(config, context.env());
        shared.configure(builder);
        EmbeddedMka1 engine;
        try {
            engine = builder.build(); // fails fast, naming the reason, when the backend cannot run here
        } catch (BackendUnavailableException e) {
            shared.close();
            throw new CliException(e.getMessage());
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
        try {
            AutoCloseable closesBoth = () -> {
                engine.close();
                shared.close();
            };
            return Mka1Server.start(config.host(), config.port(), config.apiKeys(),
                    ApiRoutes.build(engine, config.dataDir().resolve("spool")), new ApiErrors(), config.limits(),
                    shared.any() ? closesBoth : engine, engine::writable, config.shutdownGraceSeconds());
        } catch (java.net.BindException e) {
            engine.close();
            shared.close();
            throw new CliException("cannot listen on " + config.host() + ":" + config.port() + " (" + e.getMessage()
                    + "): another process holds that port; choose another with --port or MKA1_PORT");
        } catch (IOException | RuntimeException e) {
            engine.close();
            shared.close();
            throw e;
        }
    }
}
