package com.mka1.server.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * A loss curve drawn with characters: steps along x (resampled to the width by averaging), loss
 * along y with the top and bottom values labelled.
 * <pre>
 *  2.41 |*
 *       | **
 *       |   ***
 *  0.93 |      ******
 *       +------------
 *        step 1 .. 40
 * </pre>
 */
public final class LossChart {
    private LossChart() {}

    public static List<String> render(List<Double> losses, int width, int height) {
        if (losses.isEmpty()) {
            return List.of("(no loss recorded)");
        }
        double[] column = resample(losses, Math.min(width, losses.size()));
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double v : column) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        double span = max - min == 0 ? 1 : max - min;
        char[][] grid = new char[height][column.length];
        for (char[] row : grid) {
            java.util.Arrays.fill(row, ' ');
        }
        for (int x = 0; x < column.length; x++) {
            int y = (int) Math.round((max - column[x]) / span * (height - 1));
            grid[y][x] = '*';
        }
        List<String> lines = new ArrayList<>();
        for (int y = 0; y < height; y++) {
            String label = y == 0 ? String.format("%6.3f", max) : y == height - 1 ? String.format("%6.3f", min) : "      ";
            lines.add(label + " |" + new String(grid[y]).stripTrailing());
        }
        lines.add("       +" + "-".repeat(column.length));
        lines.add("        step 1 .. " + losses.size());
        return lines;
    }

    /** Averages consecutive values into {@code n} buckets. */
    static double[] resample(List<Double> values, int n) {
        double[] out = new double[n];
        for (int b = 0; b < n; b++) {
            int from = (int) ((long) b * values.size() / n);
            int to = (int) ((long) (b + 1) * values.size() / n);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += values.get(i);
            }
            out[b] = sum / (to - from);
        }
        return out;
    }
}
