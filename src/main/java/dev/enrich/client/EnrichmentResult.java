package dev.enrich.client;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.Canvas;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.StageOutput;
import dev.enrich.model.VideoAnalysis;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hold a session's latest enrichment: its job and the typed result of each stage that has one
 * ({@code GET /api/v1/sessions/{id}/enrichment}).
 *
 * @param job the job, as it stood when the results were read
 * @param results stage results so far, by stage, in pipeline order
 */
public record EnrichmentResult(JobStatus job, Map<Stage, StageResult> results) {

    public EnrichmentResult {
        Map<Stage, StageResult> ordered = new EnumMap<>(Stage.class);
        if (results != null) {
            ordered.putAll(results);
        }
        results = Collections.unmodifiableMap(ordered);
    }

    /** Return the audio analysis (speech, loudness, transcript), when the audio stage produced one. */
    public Optional<AudioAnalysis> audio() {
        return output(Stage.AUDIO, AudioAnalysis.class);
    }

    /** Return the video analysis (chapters, scene changes), when the video stage produced one. */
    public Optional<VideoAnalysis> video() {
        return output(Stage.VIDEO, VideoAnalysis.class);
    }

    /** Return the summary (title, text, highlights, keywords, action items), when there is one. */
    public Optional<SessionSummary> summary() {
        return output(Stage.SUMMARY, SessionSummary.class);
    }

    /** Return the canvas data, when the canvas stage produced it. */
    public Optional<Canvas> canvas() {
        return output(Stage.CANVAS, Canvas.class);
    }

    private <T extends StageOutput> Optional<T> output(Stage stage, Class<T> type) {
        StageResult result = results.get(stage);
        return result == null ? Optional.empty() : result.data(type);
    }
}
