package dev.enrich.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Mark what one stage produced: {@link AudioAnalysis}, {@link VideoAnalysis}, {@link SessionSummary} or
 * {@link Canvas}.
 *
 * <p>The JSON carries no type field: a reader that knows the stage reads the concrete type, and one that does not
 * (a {@code StageOutput} property) gets the subtype deduced from the fields present, each subtype having a field of its
 * own ({@code sampleRate}, {@code sampledFrames}, {@code source} with {@code title}, {@code date}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({
    @JsonSubTypes.Type(AudioAnalysis.class),
    @JsonSubTypes.Type(VideoAnalysis.class),
    @JsonSubTypes.Type(SessionSummary.class),
    @JsonSubTypes.Type(Canvas.class)
})
public sealed interface StageOutput permits AudioAnalysis, VideoAnalysis, SessionSummary, Canvas {}
