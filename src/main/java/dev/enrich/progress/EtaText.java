package dev.enrich.progress;

import org.jspecify.annotations.Nullable;

/** Turn an ETA into short friendly text. */
public final class EtaText {

    private EtaText() {}

    /**
     * Describe an ETA in seconds: {@code null} → "Estimating time...", under 10 s → "Almost done", under a minute →
     * "~40 seconds remaining" (rounded to 5 s), under an hour → "~3 minutes remaining", else "~2 hours remaining".
     * Units are singular for one ("~1 minute remaining"); a value that rounds up to the next unit uses that unit.
     */
    public static String describe(@Nullable Long etaSeconds) {
        if (etaSeconds == null) {
            return "Estimating time...";
        }
        long s = etaSeconds;
        if (s < 10) {
            return "Almost done";
        }
        if (s < 60) {
            long rounded = Math.round(s / 5.0) * 5;
            if (rounded < 60) {
                return "~" + rounded + " seconds remaining";
            }
        }
        long minutes = Math.max(1, Math.round(s / 60.0));
        if (minutes < 60) {
            return "~" + plural(minutes, "minute") + " remaining";
        }
        return "~" + plural(Math.round(s / 3600.0), "hour") + " remaining";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
