package com.mka1.server.cli;

import java.io.PrintStream;

/**
 * The command line's one progress bar, {@code [#####.....]  50%} followed by what is being
 * measured, redrawn in place on one line with a carriage return. Downloads show bytes
 * ({@link #render(String, long, long)}), training shows steps and loss ({@link #steps}).
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private long lastDrawMillis;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    /** The bar and percentage for {@code fraction} in [0, 1]: {@code [###...]  10%}. */
    static String bar(double fraction) {
        int filled = (int) Math.round(fraction * WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3d%%", Math.round(fraction * 100));
    }

    /** Training progress: {@code [###...]  25%  step 15/60  loss 2.5000} (total 0: unknown, loss null: none yet). */
    static String steps(long step, long total, Double loss) {
        double fraction = total > 0 ? Math.min(1, (double) step / total) : 0;
        return bar(fraction) + "  step " + step + "/" + (total > 0 ? total : "?") + (loss == null ? "" : String.format("  loss %.4f", loss));
    }

    /** Download progress: {@code [#####.....]  50%  12.0/24.0 MiB  name} (total below 1: unknown). */
    static String render(String name, long done, long total) {
        double fraction = total > 0 ? Math.min(1, (double) done / total) : 0;
        String size = total > 0 ? String.format("%.1f/%.1f MiB", mib(done), mib(total)) : String.format("%.1f MiB", mib(done));
        return bar(fraction) + "  " + size + "  " + name;
    }

    /** Redraws the line of a file being downloaded, at most every 100 ms unless {@code force}. */
    void draw(String name, long done, long total, boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - lastDrawMillis < 100) {
            return;
        }
        lastDrawMillis = now;
        out.print("\r" + render(name, done, total));
        out.flush();
    }

    /** Draws a file's final line and ends it. */
    void finish(String name, long total, boolean skipped) {
        out.print("\r" + render(name, total, total) + (skipped ? "  (already here)" : "") + "\n");
        out.flush();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
