package dev.enrich.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hold the one-page canvas of a session, built from every useful stage result; its HTML rendering is served
 * separately. Tracks are shortened to a drawable size and text lists capped.
 *
 * @param title the summary's suggested title, else the session's
 * @param date when the session was created
 * @param durationSeconds the longer of the audio and video lengths; null when neither is known
 * @param summary the summary text; null without a summary
 * @param stats figures for the stats grid
 * @param chapters the video chapters in time order, without captions (JSON: left out when empty)
 * @param speech the speech track; null without audio
 * @param motion the activity track; null without video
 * @param highlights at most 10 highlights (JSON: left out when empty)
 * @param actionItems at most 30 action items (JSON: left out when empty)
 * @param keywords at most 30 keywords (JSON: left out when empty)
 * @param sources the stages the canvas was built from ({@code audio}, {@code video}, {@code summary})
 * @param narrative a short story of the session written by the AI chat model; null without one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Canvas(
        String title,
        Instant date,
        @Nullable Double durationSeconds,
        @Nullable String summary,
        Stats stats,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Chapter> chapters,
        @Nullable Speech speech,
        @Nullable Motion motion,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> highlights,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> actionItems,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> keywords,
        List<String> sources,
        @Nullable String narrative) implements StageOutput {

    public Canvas {
        chapters = Lists.copy(chapters);
        highlights = Lists.copy(highlights);
        actionItems = Lists.copy(actionItems);
        keywords = Lists.copy(keywords);
        sources = Lists.copy(sources);
    }

    /** Return a copy with {@code narrative}. */
    public Canvas withNarrative(String narrative) {
        return new Canvas(title, date, durationSeconds, summary, stats, chapters, speech, motion, highlights,
                actionItems, keywords, sources, narrative);
    }

    /**
     * Hold the figures of the stats grid; each is null when unknown (JSON: left out).
     *
     * @param speechRatio share of the audio that is speech, 0..1
     * @param longestPauseSeconds the longest pause in the audio
     * @param speechSegments number of speech segments
     * @param rmsDbfs mean audio level in dBFS
     * @param peakDbfs peak audio level in dBFS
     * @param clippingRatio share of clipped samples, 0..1
     * @param chapters number of chapters, when there are any
     * @param sceneChanges number of scene changes
     * @param highlights number of highlights, when there are any
     * @param actionItems number of action items, when there are any
     * @param keywords number of keywords, when there are any
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stats(
            @Nullable Double speechRatio,
            @Nullable Double longestPauseSeconds,
            @Nullable Integer speechSegments,
            @Nullable Double rmsDbfs,
            @Nullable Double peakDbfs,
            @Nullable Double clippingRatio,
            @Nullable Integer chapters,
            @Nullable Integer sceneChanges,
            @Nullable Integer highlights,
            @Nullable Integer actionItems,
            @Nullable Integer keywords) {}

    /**
     * Hold the speech track of the timeline.
     *
     * @param segmentsMerged true when close segments were merged to fit (JSON: only when true)
     * @param segments speech segments in time order, at most 600 (JSON: left out when empty)
     * @param loudness RMS level in dBFS per {@code loudnessStepSeconds}, at most 600 points (JSON: left out when
     *     empty)
     * @param loudnessStepSeconds seconds each loudness point covers; null without loudness
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Speech(
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean segmentsMerged,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TimeSpan> segments,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Double> loudness,
            @Nullable Double loudnessStepSeconds) {

        public Speech {
            segments = Lists.copy(segments);
            loudness = Lists.copy(loudness);
        }
    }

    /**
     * Hold the activity track of the timeline.
     *
     * @param values activity per {@code stepSeconds}, 0..1, at most 600 points
     * @param stepSeconds seconds each value covers; null when the video length is unknown
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Motion(List<Double> values, @Nullable Double stepSeconds) {

        public Motion {
            values = Lists.copy(values);
        }
    }
}
