package com.mka1.server.cli;

import java.io.PrintStream;

/** One line per file, redrawn in place with a carriage return: {@code [#####.....]  50%  12.0/24.0 MiB  name}. */
final class ByteProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private long lastDrawMillis;

    ByteProgressBar(PrintStream out) {
        this.out = out;
    }

    void draw(String name, long done, long total, boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - lastDrawMillis < 100) {
            return;
        }
        lastDrawMillis = now;
        out.print("\r" + render(name, done, total));
        out.flush();
    }

    void finish(String name, long total, boolean skipped) {
        out.print("\r" + render(name, total, total) + (skipped ? "  (already here)" : "") + "\n");
        out.flush();
    }

    static String render(String name, long done, long total) {
        double fraction = total > 0 ? Math.min(1, (double) done / total) : 0;
        int filled = (int) Math.round(fraction * WIDTH);
        String size = total > 0 ? String.format("%.1f/%.1f MiB", mib(done), mib(total)) : String.format("%.1f MiB", mib(done));
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3d%%", Math.round(fraction * 100))
                + "  " + size + "  " + name;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
