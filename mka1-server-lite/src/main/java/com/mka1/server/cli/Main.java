package com.mka1.server.cli;

/** Entry point of the {@code mka1} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = new Cli(CommandRegistry.standard(), System.out, System.err, System.getenv()).run(args);
        System.out.flush();
        System.exit(code);
    }
}
