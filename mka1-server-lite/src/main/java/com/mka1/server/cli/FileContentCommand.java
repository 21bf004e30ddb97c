package com.mka1.server.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code mka1 llm files content}: writes a file's bytes to stdout or to {@code --output}. */
final class FileContentCommand implements Command {
    @Override
    public String name() {
        return "llm files content";
    }

    @Override
    public String summary() {
        return "Download a file's content (to stdout, or --output F)";
    }

    @Override
    public List<String> flags() {
        return List.of("--file-id ID" + Command.REQUIRED, "--output F");
    }

    @Override
    public int run(CommandContext context) throws Exception {
        String path = "/files/" + ApiClient.segment(context.options().required("file-id")) + "/content";
        String output = context.options().get("output");
        try (InputStream in = context.client().download(path)) {
            if (output == null) {
                in.transferTo(context.out());
                context.out().flush();
            } else {
                try (OutputStream file = Files.newOutputStream(Path.of(output))) {
                    in.transferTo(file);
                }
            }
        }
        return 0;
    }
}
