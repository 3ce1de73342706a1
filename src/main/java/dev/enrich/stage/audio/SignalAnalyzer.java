package dev.enrich.stage.audio;

import dev.enrich.model.AudioAnalysis;
import java.util.List;

/**
 * Accumulate the audio facts over interleaved samples, chunk by chunk, in memory that does not grow with the length
 * of the audio: level, peak, clipping, a loudness timeline and speech segments.
 */
final class SignalAnalyzer {

    /** Most loudness points reported; longer audio gets wider bins. */
    static final int MAX_LOUDNESS_POINTS = 3_600;
    /** Most speech segments reported; the totals still cover all of them. */
    static final int MAX_SEGMENTS = 2_000;

    private final int sampleRate;
    private final int channels;
    private final int bitsPerSample;
    private final float clipLevel;
    private final int frameLength;
    private final SpeechSegments segments;
    private final VoiceActivityDetector vad;
    private final LoudnessTimeline loudness;
    private int frameLeft;
    private double frameSum;
    private double sumSquares;
    private float peak;
    private long clipped;
    private long frames;

    /**
     * @param expectedFrames the length the header declares, or -1 when unknown
     * @param clipLevel the smallest absolute sample value that counts as clipped
     */
    SignalAnalyzer(AudioSettings settings, int sampleRate, int channels, int bitsPerSample, long expectedFrames,
            float clipLevel) {
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.bitsPerSample = bitsPerSample;
        this.clipLevel = clipLevel;
        this.frameLength = (int) Math.max(1, Math.round(sampleRate * settings.frameMs() / 1000.0));
        this.segments = new SpeechSegments(settings, MAX_SEGMENTS);
        this.vad = new VoiceActivityDetector(settings, frameLength / (double) sampleRate, segments);
        this.loudness = new LoudnessTimeline(MAX_LOUDNESS_POINTS, sampleRate, expectedFrames);
        this.frameLeft = frameLength;
    }

    /** Take {@code count} interleaved samples (whole frames) from {@code samples}. */
    void accept(float[] samples, int count) {
        int i = 0;
        while (i < count) {
            // A run ends at the end of the input, of a VAD frame or of a loudness bin.
            int run = (int) Math.min((count - i) / channels, Math.min(frameLeft, loudness.framesLeft()));
            int end = i + run * channels;
            double sum = 0;
            float max = peak;
            long clips = 0;
            for (int j = i; j < end; j++) {
                float v = samples[j];
                sum += v * v;
                float a = Math.abs(v);
                if (a > max) {
                    max = a;
                }
                if (a >= clipLevel) {
                    clips++;
                }
            }
            peak = max;
            clipped += clips;
            sumSquares += sum;
            frames += run;
            loudness.add(sum, run * channels, run);
            frameSum += sum;
            frameLeft -= run;
            if (frameLeft == 0) {
                vad.accept(Levels.rawDbfs(frameSum / ((double) frameLength * channels)));
                frameSum = 0;
                frameLeft = frameLength;
            }
            i = end;
        }
    }

    /** Finish the analysis and return the facts. */
    AudioAnalysis result() {
        if (frameLeft < frameLength) {
            vad.accept(Levels.rawDbfs(frameSum / ((double) (frameLength - frameLeft) * channels)));
            frameLeft = frameLength;
        }
        double duration = frames / (double) sampleRate;
        vad.finish(duration);
        long samples = frames * channels;
        return new AudioAnalysis(
                Levels.round(duration, 3),
                sampleRate,
                channels,
                bitsPerSample,
                samples == 0 ? Levels.FLOOR_DBFS : Levels.dbfs(Math.sqrt(sumSquares / samples)),
                Levels.dbfs(peak),
                samples == 0 ? 0.0 : Levels.round(clipped / (double) samples, 6),
                duration == 0 ? 0.0 : Levels.round(Math.min(1, segments.speechSeconds() / duration), 3),
                Levels.round(segments.longestPause(), 3),
                segments.toList(),
                segments.truncated(),
                loudness.points(),
                loudness.stepSeconds() > 1 ? loudness.stepSeconds() : null,
                List.of(),
                false,
                null);
    }
}
