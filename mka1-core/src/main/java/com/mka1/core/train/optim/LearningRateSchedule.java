package com.mka1.core.train.optim;

/**
 * Linear warmup to {@code peak} over {@code warmupSteps}, then linear or cosine decay towards 0
 * over the remaining steps. Steps are 1-based: step {@code w <= warmupSteps} gets {@code peak *
 * w / warmupSteps}; after warmup, with {@code p = (step - warmupSteps - 1) / (totalSteps -
 * warmupSteps)} in [0, 1), linear gives {@code peak * (1 - p)} and cosine {@code peak * (1 +
 * cos(pi p)) / 2}, so the first decay step runs at the peak and no step runs at 0.
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, Decay decay) {
    /** The shape of the decay after warmup. */
    public enum Decay {
        LINEAR, COSINE;

        /** Parses "linear" or "cosine" (case-insensitive). */
        public static Decay parse(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "linear" -> LINEAR;
                case "cosine" -> COSINE;
                default -> throw new IllegalArgumentException("lr_scheduler must be \"linear\" or \"cosine\", got \"" + name + "\"");
            };
        }
    }

    public LearningRateSchedule {
        if (totalSteps < 1) throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmupSteps must be in [0, " + totalSteps + "], got " + warmupSteps);
        }
    }

    /** Warmup over {@code round(ratio * totalSteps)} steps, kept below {@code totalSteps}. */
    public static LearningRateSchedule withWarmupRatio(double peak, double warmupRatio, int totalSteps, Decay decay) {
        int warmup = (int) Math.min(totalSteps - 1, Math.round(warmupRatio * totalSteps));
        return new LearningRateSchedule(peak, Math.max(0, warmup), totalSteps, decay);
    }

    /** The learning rate of 1-based {@code step}. */
    public double rateAt(int step) {
        if (step < 1 || step > totalSteps) throw new IllegalArgumentException("step " + step + " outside 1.." + totalSteps);
        if (step <= warmupSteps) return peak * step / warmupSteps;
        double progress = (double) (step - warmupSteps - 1) / (totalSteps - warmupSteps);
        return switch (decay) {
            case LINEAR -> peak * (1 - progress);
            case COSINE -> peak * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
