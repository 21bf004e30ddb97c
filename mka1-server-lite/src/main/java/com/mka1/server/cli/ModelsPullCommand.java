package com.mka1.server.cli;

import com.mka1.core.LocalModels;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code mka1 models pull <repo-id>}: downloads a model from a Hugging Face style hub into the
 * models directory ({@code <models-dir>/<owner>/<name>}, served as {@code owner:name}). Resumable
 * and checksummed; runs locally, no server needed.
 */
final class ModelsPullCommand implements Command {
    @Override
    public String name() {
        return "models pull";
    }

    @Override
    public String summary() {
        return "Download a model from the Hugging Face hub into the models directory";
    }

    @Override
    public List<String> flags() {
        return List.of("--repo OWNER/NAME (or as the first argument)" + Command.REQUIRED, "--models-dir DIR", "--data-dir DIR",
                "--hub URL (default https://huggingface.co or MKA1_HUB_URL)");
    }

    @Override
    public String argumentFlag() {
        return "repo";
    }

    @Override
    public int run(CommandContext context) {
        String repo = context.options().required("repo");
        Path modelsDir = ModelsDirectory.resolve(context);
        String hub = context.options().get("hub");
        if (hub == null) {
            hub = context.env().getOrDefault("MKA1_HUB_URL", LocalModels.DEFAULT_HUB.toString());
        }
        ProgressBar bar = new ProgressBar(context.err());
        context.err().println("pulling " + repo + " from " + hub);
        Path dir = LocalModels.pull(repo, modelsDir, URI.create(hub), context.env().get("HF_TOKEN"), new LocalModels.PullListener() {
            private long total;

            @Override
            public void fileStarted(String name, long size, long alreadyHave) {
                total = size;
                bar.draw(name, alreadyHave, size, true);
            }

            @Override
            public void progress(String name, long done, long size) {
                bar.draw(name, done, size, false);
            }

            @Override
            public void fileFinished(String name, boolean skipped) {
                bar.finish(name, skipped ? 0 : total, skipped);
            }
        });
        context.out().println("model " + repo.replace('/', ':') + " is ready in " + dir);
        return 0;
    }
}
