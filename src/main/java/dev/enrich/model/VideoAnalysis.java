package dev.enrich.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hold what the video stage found in a screen recording or a screenshot sequence: scene changes, chapters with key
 * frames and an activity timeline.
 *
 * @param source what was analysed
 * @param durationSeconds the length of the video, rounded to milliseconds; null when unknown (screenshots)
 * @param sampledFrames how many frames were analysed (for screenshots: how many screenshots)
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param sceneChanges seconds at which the picture changed; at most 2,000, see {@code sceneChangesTruncated}
 * @param sceneChangesTruncated true when there were more scene changes (JSON: only when true)
 * @param chapters the chapters in time order
 * @param chaptersTruncated true when scene changes were left out for want of chapters (JSON: only when true)
 * @param activity mean absolute luma change per sampled frame, 0..1; at most 3,600 points
 * @param activityStepSeconds seconds each activity point covers when the timeline was shortened, else null
 * @param captions the chapters' AI captions in chapter order; empty when not captioned (JSON: left out when empty)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VideoAnalysis(
        Source source,
        @Nullable Double durationSeconds,
        int sampledFrames,
        int width,
        int height,
        List<Double> sceneChanges,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean sceneChangesTruncated,
        List<Chapter> chapters,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean chaptersTruncated,
        List<Double> activity,
        @Nullable Double activityStepSeconds,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> captions) implements StageOutput {

    /** Name what a video result was made from. */
    public enum Source {
        /** An MP4 (H.264) recording. */
        @JsonProperty("mp4")
        MP4,
        /** A sequence of PNG or JPEG screenshots. */
        @JsonProperty("frames")
        FRAMES
    }

    public VideoAnalysis {
        sceneChanges = Lists.copy(sceneChanges);
        chapters = Lists.copy(chapters);
        activity = Lists.copy(activity);
        captions = Lists.copy(captions);
    }

    /** Return a copy with captioned {@code chapters} and their {@code captions} in order. */
    public VideoAnalysis withCaptions(List<Chapter> chapters, List<String> captions) {
        return new VideoAnalysis(source, durationSeconds, sampledFrames, width, height, sceneChanges,
                sceneChangesTruncated, chapters, chaptersTruncated, activity, activityStepSeconds, captions);
    }
}
