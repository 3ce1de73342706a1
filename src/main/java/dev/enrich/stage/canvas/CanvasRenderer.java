package dev.enrich.stage.canvas;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Render a canvas document as one self-contained HTML page: inline CSS (light and dark), an inline SVG timeline,
 * same-origin key frame thumbnails, highlights, an action item checklist and keywords; no scripts and no external
 * assets. All document text is HTML-escaped by the template engine.
 *
 * <p>The template is loaded from the classpath and compiled once, at construction, and a sample page is rendered so
 * every class the rendering needs is loaded up front: {@link #render} does no I/O and may run on an event loop.
 * Thread-safe.
 */
public final class CanvasRenderer {

    /** The Content-Security-Policy the page is designed for: no scripts, inline styles, same-origin images. */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    private static final String TEMPLATE = "canvas/canvas.mustache";

    private final Template template;

    /** Load and compile the template; throws {@link IllegalStateException} when it is missing or broken. */
    public CanvasRenderer() {
        InputStream in = CanvasRenderer.class.getClassLoader().getResourceAsStream(TEMPLATE);
        if (in == null) {
            throw new IllegalStateException("canvas template " + TEMPLATE + " is missing from the classpath");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            template = Mustache.compiler().escapeHTML(true).emptyStringIsFalse(true).compile(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read canvas template " + TEMPLATE, e);
        }
        render(sample());
    }

    /** Return the HTML page for a canvas document (the CANVAS stage's result data). */
    public String render(Map<String, ?> document) {
        return template.execute(CanvasView.of(document));
    }

    private static Map<String, Object> sample() {
        return Map.ofEntries(Map.entry("title", "Sample"), Map.entry("date", Instant.EPOCH.toString()),
                Map.entry("durationSeconds", 90.0),
                Map.entry("stats", Map.of("speechRatio", 0.5, "longestPauseSeconds", 3.0, "chapters", 2)),
                Map.entry("chapters", List.of(Map.of("index", 0, "start", 0.0, "end", 45.0),
                        Map.of("index", 1, "start", 45.0, "end", 90.0,
                                "thumbnail", "/api/v1/sessions/s/thumbnails/1"))),
                Map.entry("speech", Map.of("segments", List.of(Map.of("start", 1.0, "end", 5.0)),
                        "loudness", List.of(-30.0, -20.0), "loudnessStepSeconds", 45.0)),
                Map.entry("motion", Map.of("values", List.of(0.1, 0.9))),
                Map.entry("summary", "Sample."), Map.entry("narrative", "Sample."),
                Map.entry("highlights", List.of("Sample.")),
                Map.entry("actionItems", List.of("Sample.")), Map.entry("keywords", List.of("sample")),
                Map.entry("sources", List.of("audio", "video", "summary")));
    }
}
