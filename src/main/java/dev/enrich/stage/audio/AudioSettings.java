package dev.enrich.stage.audio;

/**
 * Configure the audio stage's voice activity detector. Immutable; every value is checked at construction.
 *
 * <p>The detector measures the energy of short frames, tracks an adaptive noise floor (it falls at once to a quieter
 * frame and rises at most {@code noiseFloorRiseDbPerSecond}), starts speech when a frame is
 * {@code startThresholdDb} above the floor and keeps it while frames stay {@code stopThresholdDb} above it
 * (hysteresis). Pauses shorter than {@code minSilenceMs} are bridged, then segments shorter than {@code minSpeechMs}
 * are dropped.
 *
 * @param frameMs analysis frame length in milliseconds, 5..100 (default 20)
 * @param minSpeechMs shortest speech segment kept, > 0 (default 150)
 * @param minSilenceMs shortest pause that separates two segments, > 0 (default 300)
 * @param startThresholdDb level above the noise floor that starts speech, > 0 (default 12)
 * @param stopThresholdDb level above the noise floor that keeps speech going, 0 < stop <= start (default 6)
 * @param minSpeechDbfs frames quieter than this never start speech, whatever the floor, -120..0 (default -55)
 * @param noiseFloorRiseDbPerSecond how fast the noise floor estimate may rise, > 0 (default 1)
 */
public record AudioSettings(
        int frameMs,
        int minSpeechMs,
        int minSilenceMs,
        double startThresholdDb,
        double stopThresholdDb,
        double minSpeechDbfs,
        double noiseFloorRiseDbPerSecond) {

    private static final AudioSettings DEFAULTS = new AudioSettings(20, 150, 300, 12, 6, -55, 1);

    /**
     * Check every value.
     *
     * @throws IllegalArgumentException naming the first value out of range, e.g.
     *     "minSpeechMs must be > 0, but was -1"
     */
    public AudioSettings {
        require(frameMs >= 5 && frameMs <= 100, "frameMs must be in 5..100, but was " + frameMs);
        require(minSpeechMs > 0, "minSpeechMs must be > 0, but was " + minSpeechMs);
        require(minSilenceMs > 0, "minSilenceMs must be > 0, but was " + minSilenceMs);
        require(startThresholdDb > 0, "startThresholdDb must be > 0, but was " + startThresholdDb);
        require(stopThresholdDb > 0 && stopThresholdDb <= startThresholdDb,
                "stopThresholdDb must be > 0 and <= startThresholdDb (" + startThresholdDb + "), but was "
                        + stopThresholdDb);
        require(minSpeechDbfs >= -120 && minSpeechDbfs <= 0, "minSpeechDbfs must be in -120..0, but was "
                + minSpeechDbfs);
        require(noiseFloorRiseDbPerSecond > 0, "noiseFloorRiseDbPerSecond must be > 0, but was "
                + noiseFloorRiseDbPerSecond);
    }

    /** Return the defaults: 20 ms frames, 150 ms minimum speech, 300 ms minimum silence, 12/6 dB thresholds. */
    public static AudioSettings defaults() {
        return DEFAULTS;
    }

    /** Return a copy with another minimum speech duration. */
    public AudioSettings withMinSpeechMs(int value) {
        return new AudioSettings(frameMs, value, minSilenceMs, startThresholdDb, stopThresholdDb, minSpeechDbfs,
                noiseFloorRiseDbPerSecond);
    }

    /** Return a copy with another minimum silence duration. */
    public AudioSettings withMinSilenceMs(int value) {
        return new AudioSettings(frameMs, minSpeechMs, value, startThresholdDb, stopThresholdDb, minSpeechDbfs,
                noiseFloorRiseDbPerSecond);
    }

    private static void require(boolean valid, String message) {
        if (!valid) {
            throw new IllegalArgumentException(message);
        }
    }
}
