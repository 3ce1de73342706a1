package dev.enrich.stage.video;

/**
 * Configure the video stage. Immutable; validated at construction.
 *
 * @param sampleFps frames analysed per second of MP4 video (default 1)
 * @param frameIntervalSeconds spacing assumed between uploaded screenshots without capture times (default 1)
 * @param minChapterSeconds shortest chapter; shorter ones merge into a neighbour (default 2)
 * @param maxChapters most chapters reported; later scene changes stop opening new chapters (default 100)
 * @param thumbnailWidth width in pixels of the PNG key frame saved per chapter (default 320)
 * @param cutFloor for screenshot sets: smallest distance (0..1) between two screenshots that can count as a scene
 *     change (default 0.15); MP4 cuts are found from every decoded frame instead ({@code CutDetector})
 * @param cutSensitivity for screenshot sets: how many robust deviations above the recent median a distance must be
 *     (default 6)
 * @param historyFrames for screenshot sets: how many recent distances set the adaptive threshold (default 30)
 */
public record VideoSettings(
        double sampleFps,
        double frameIntervalSeconds,
        double minChapterSeconds,
        int maxChapters,
        int thumbnailWidth,
        double cutFloor,
        double cutSensitivity,
        int historyFrames) {

    public VideoSettings {
        positive("sampleFps", sampleFps);
        positive("frameIntervalSeconds", frameIntervalSeconds);
        if (!(minChapterSeconds >= 0) || Double.isInfinite(minChapterSeconds)) {
            throw new IllegalArgumentException("minChapterSeconds must be >= 0, but was " + minChapterSeconds);
        }
        if (maxChapters < 1) {
            throw new IllegalArgumentException("maxChapters must be > 0, but was " + maxChapters);
        }
        if (thumbnailWidth < 16 || thumbnailWidth > 1920) {
            throw new IllegalArgumentException("thumbnailWidth must be in 16..1920, but was " + thumbnailWidth);
        }
        if (!(cutFloor > 0 && cutFloor < 1)) {
            throw new IllegalArgumentException("cutFloor must be in (0, 1), but was " + cutFloor);
        }
        positive("cutSensitivity", cutSensitivity);
        if (historyFrames < 3) {
            throw new IllegalArgumentException("historyFrames must be >= 3, but was " + historyFrames);
        }
    }

    /** Return the defaults: 1 fps, 2 s chapters, 320 px thumbnails. */
    public static VideoSettings defaults() {
        return new VideoSettings(1.0, 1.0, 2.0, 100, 320, 0.15, 6.0, 30);
    }

    /** Return a copy sampling {@code fps} frames per second. */
    public VideoSettings withSampleFps(double fps) {
        return new VideoSettings(fps, frameIntervalSeconds, minChapterSeconds, maxChapters, thumbnailWidth,
                cutFloor, cutSensitivity, historyFrames);
    }

    /** Return a copy whose chapters last at least {@code seconds}. */
    public VideoSettings withMinChapterSeconds(double seconds) {
        return new VideoSettings(sampleFps, frameIntervalSeconds, seconds, maxChapters, thumbnailWidth,
                cutFloor, cutSensitivity, historyFrames);
    }

    private static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }
}
