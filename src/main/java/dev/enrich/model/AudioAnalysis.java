package dev.enrich.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hold what the audio stage found in a recording: format, levels, speech and, when there is one, the transcript.
 *
 * @param durationSeconds the length of the recording, rounded to milliseconds
 * @param sampleRate samples per second per channel
 * @param channels channel count
 * @param bitsPerSample bits per sample of the source
 * @param rmsDbfs the mean level in dBFS, rounded to 0.1 dB, never below -120
 * @param peakDbfs the peak level in dBFS, rounded to 0.1 dB, never below -120
 * @param clippingRatio share of samples at or above 0.999 of full scale, 0..1
 * @param speechRatio share of the recording that is speech, 0..1
 * @param longestPauseSeconds the longest pause between two speech segments (0 with fewer than two)
 * @param segments speech segments in time order; at most 2,000, see {@code segmentsTruncated}
 * @param segmentsTruncated true when there were more speech segments than {@code segments} holds (JSON: only when
 *     true)
 * @param loudness RMS level in dBFS per {@code loudnessStepSeconds} (one second when null); at most 3,600 points
 * @param loudnessStepSeconds seconds each loudness point covers when more than one, else null
 * @param transcript the transcript as timed (or, for plain text, untimed) segments; empty when there is none (JSON:
 *     left out when empty)
 * @param transcriptTruncated true when the transcript was cut to fit (JSON: only when true)
 * @param transcriptSource {@code "ai"} when the transcript was written by the AI provider; null for an uploaded one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AudioAnalysis(
        double durationSeconds,
        int sampleRate,
        int channels,
        int bitsPerSample,
        double rmsDbfs,
        double peakDbfs,
        double clippingRatio,
        double speechRatio,
        double longestPauseSeconds,
        List<TimeSpan> segments,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean segmentsTruncated,
        List<Double> loudness,
        @Nullable Integer loudnessStepSeconds,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TranscriptSegment> transcript,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean transcriptTruncated,
        @Nullable String transcriptSource) implements StageOutput {

    /** The {@code transcriptSource} of a transcript written by the AI provider. */
    public static final String TRANSCRIPT_BY_AI = "ai";

    public AudioAnalysis {
        segments = Lists.copy(segments);
        loudness = Lists.copy(loudness);
        transcript = Lists.copy(transcript);
    }

    /** Return a copy carrying {@code transcript} from {@code source} (null for an uploaded one). */
    public AudioAnalysis withTranscript(List<TranscriptSegment> transcript, boolean truncated,
            @Nullable String source) {
        return new AudioAnalysis(durationSeconds, sampleRate, channels, bitsPerSample, rmsDbfs, peakDbfs,
                clippingRatio, speechRatio, longestPauseSeconds, segments, segmentsTruncated, loudness,
                loudnessStepSeconds, transcript, truncated, source);
    }
}
