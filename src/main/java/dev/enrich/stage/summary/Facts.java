package dev.enrich.stage.summary;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Hold what the audio and video results say about a session's structure, read defensively from their data maps
 * (contract keys; anything missing or of the wrong type is absent).
 *
 * @param durationSeconds the audio duration, else the video duration
 * @param speechRatio share of the audio that is speech, 0..1
 * @param speechSegments number of speech segments
 * @param longestPauseSeconds the longest pause in the audio
 * @param chapters number of video chapters
 * @param sceneChanges number of scene changes
 * @param screenshots number of screenshots, when the video is a screenshot sequence
 * @param width video width in pixels
 * @param height video height in pixels
 */
record Facts(
        @Nullable Double durationSeconds,
        @Nullable Double speechRatio,
        @Nullable Integer speechSegments,
        @Nullable Double longestPauseSeconds,
        @Nullable Integer chapters,
        @Nullable Integer sceneChanges,
        @Nullable Integer screenshots,
        @Nullable Integer width,
        @Nullable Integer height) {

    /** Read the facts from the audio and video result data, either of which may be absent. */
    static Facts of(@Nullable Map<String, Object> audio, @Nullable Map<String, Object> video) {
        Map<String, Object> a = audio == null ? Map.of() : audio;
        Map<String, Object> v = video == null ? Map.of() : video;
        Double duration = positive(a.get("durationSeconds"));
        return new Facts(
                duration != null ? duration : positive(v.get("durationSeconds")),
                number(a.get("speechRatio")),
                size(a.get("segments")),
                number(a.get("longestPauseSeconds")),
                v.get("chapters") instanceof Number n ? Integer.valueOf(n.intValue()) : size(v.get("chapters")),
                size(v.get("sceneChanges")),
                "frames".equals(v.get("source")) && v.get("sampledFrames") instanceof Number n
                        ? Integer.valueOf(n.intValue()) : null,
                integer(v.get("width")),
                integer(v.get("height")));
    }

    /** Return true when there is nothing to describe. */
    boolean isEmpty() {
        return durationSeconds == null && speechRatio == null && speechSegments == null && longestPauseSeconds == null
                && chapters == null && sceneChanges == null && screenshots == null && width == null && height == null;
    }

    private static @Nullable Double number(@Nullable Object o) {
        return o instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
    }

    private static @Nullable Double positive(@Nullable Object o) {
        Double d = number(o);
        return d != null && d > 0 ? d : null;
    }

    private static @Nullable Integer integer(@Nullable Object o) {
        return o instanceof Number n && n.intValue() > 0 ? n.intValue() : null;
    }

    private static @Nullable Integer size(@Nullable Object o) {
        return o instanceof List<?> l ? l.size() : null;
    }
}
