package dev.enrich.stage.audio;

/** Convert levels and round figures for the result. */
final class Levels {

    /** The quietest level reported. */
    static final double FLOOR_DBFS = -120.0;

    private Levels() {}

    /** Return an amplitude (0..1 of full scale) in dBFS, rounded to 0.1 dB, never below -120. */
    static double dbfs(double amplitude) {
        return round(rawDbfs(amplitude * amplitude), 1);
    }

    /** Return a mean square in dBFS, unrounded, never below -120. */
    static double rawDbfs(double meanSquare) {
        return meanSquare > 0 ? Math.max(FLOOR_DBFS, 10 * Math.log10(meanSquare)) : FLOOR_DBFS;
    }

    /** Return {@code value} rounded half-up to {@code decimals} places. */
    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
