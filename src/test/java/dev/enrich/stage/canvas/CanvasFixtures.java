package dev.enrich.stage.canvas;

import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Build contract-shaped upstream results and stage contexts for canvas tests. */
final class CanvasFixtures {

    static final String SESSION_ID = "s-1";
    static final Instant CREATED = Instant.parse("2025-03-04T09:30:00Z");

    private CanvasFixtures() {}

    static Session session(String title) {
        return new Session(SESSION_ID, "t", title, SessionText.inline("Notes."), null, List.of(), CREATED);
    }

    static StageContext context(String title, StageResult... upstream) {
        Map<StageName, StageResult> results = new EnumMap<>(StageName.class);
        for (StageResult r : upstream) {
            results.put(r.stage(), r);
        }
        return new StageContext("job-1", session(title), results, new NoMedia());
    }

    static StageResult audio() {
        return StageResult.succeeded(StageName.AUDIO, Map.ofEntries(
                Map.entry("durationSeconds", 120.5), Map.entry("sampleRate", 16000), Map.entry("channels", 1),
                Map.entry("bitsPerSample", 16), Map.entry("rmsDbfs", -23.46), Map.entry("peakDbfs", -1.2),
                Map.entry("clippingRatio", 0.0), Map.entry("speechRatio", 0.7234),
                Map.entry("longestPauseSeconds", 14.25),
                Map.entry("segments", List.of(Map.of("start", 1.0, "end", 30.5), Map.of("start", 44.75, "end", 110.0))),
                Map.entry("loudness", loudness(121))));
    }

    static StageResult video() {
        return StageResult.succeeded(StageName.VIDEO, Map.of(
                "source", "mp4", "durationSeconds", 118.0, "sampledFrames", 236, "width", 1280, "height", 720,
                "sceneChanges", List.of(40.0, 80.0),
                "chapters", List.of(
                        chapter(0, 0.0, 40.0), chapter(1, 40.0, 80.0), chapter(2, 80.0, 118.0)),
                "activity", List.of(0.0, 0.1, 0.9, 0.2)));
    }

    static StageResult summary() {
        return StageResult.succeeded(StageName.SUMMARY, Map.of(
                "title", "Release planning", "summary", "We planned the release. Docs are next.",
                "highlights", List.of("We planned the release.", "Docs are next."),
                "keywords", List.of("release", "docs"),
                "actionItems", List.of("Write the docs", "Tag v1.0"), "source", "text"));
    }

    static Map<String, Object> chapter(int index, double start, double end) {
        return Map.of("index", index, "start", start, "end", end,
                "thumbnail", "/api/v1/sessions/" + SESSION_ID + "/thumbnails/" + index);
    }

    static List<Double> loudness(int n) {
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i % 10 < 7 ? -20.0 : -70.0);
        }
        return out;
    }

    /** The canvas never opens media. */
    static final class NoMedia implements MediaStore {
        @Override
        public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream open(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> deleteSession(String tenant, String sessionId) {
            throw new UnsupportedOperationException();
        }
    }
}
