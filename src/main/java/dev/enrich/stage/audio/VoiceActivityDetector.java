package dev.enrich.stage.audio;

/**
 * Find speech in a stream of frame energies: an adaptive noise floor and two thresholds above it (hysteresis).
 *
 * <p>The floor starts at the quietest frame of the first two seconds (decisions wait for them), falls at once to any
 * quieter frame and rises at a bounded rate, so a steady sound is not mistaken for background within seconds. It
 * never goes below {@code minSpeechDbfs - startThresholdDb}, so after digital silence faint hiss is not speech.
 */
final class VoiceActivityDetector {

    private static final double WARMUP_SECONDS = 2;

    private final SpeechSegments segments;
    private final double frameSeconds;
    private final double startDb;
    private final double stopDb;
    private final double lowestFloor;
    private final double risePerFrame;
    private final double[] warmup;
    private int warmupCount;
    private boolean warm;
    private double floor;
    private boolean speaking;
    private long frame;
    private long speechStart;

    /**
     * @param frameSeconds the exact length of one frame
     * @param segments where found speech goes
     */
    VoiceActivityDetector(AudioSettings settings, double frameSeconds, SpeechSegments segments) {
        this.segments = segments;
        this.frameSeconds = frameSeconds;
        this.startDb = settings.startThresholdDb();
        this.stopDb = settings.stopThresholdDb();
        this.lowestFloor = settings.minSpeechDbfs() - settings.startThresholdDb();
        this.risePerFrame = settings.noiseFloorRiseDbPerSecond() * frameSeconds;
        this.warmup = new double[(int) Math.max(1, Math.round(WARMUP_SECONDS / frameSeconds))];
    }

    /** Take the next frame's energy in dBFS. */
    void accept(double db) {
        if (warm) {
            step(db);
            return;
        }
        warmup[warmupCount++] = db;
        if (warmupCount == warmup.length) {
            endWarmup();
        }
    }

    private void endWarmup() {
        warm = true;
        floor = Double.POSITIVE_INFINITY;
        for (int i = 0; i < warmupCount; i++) {
            floor = Math.min(floor, warmup[i]);
        }
        floor = Math.max(lowestFloor, floor);
        for (int i = 0; i < warmupCount; i++) {
            step(warmup[i]);
        }
    }

    private void step(double db) {
        floor = Math.max(lowestFloor, db < floor ? db : Math.min(db, floor + risePerFrame));
        if (!speaking && db >= floor + startDb) {
            speaking = true;
            speechStart = frame;
        } else if (speaking && db < floor + stopDb) {
            speaking = false;
            segments.add(speechStart * frameSeconds, frame * frameSeconds);
        }
        frame++;
    }

    /** Close speech still open at the end of the audio, {@code endSeconds} long. */
    void finish(double endSeconds) {
        if (!warm) {
            endWarmup();
        }
        if (speaking) {
            speaking = false;
            segments.add(speechStart * frameSeconds, Math.min(endSeconds, frame * frameSeconds));
        }
        segments.flush();
    }
}
