package dev.enrich.stage.canvas;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import dev.enrich.model.Canvas;
import dev.enrich.pipeline.CanvasPages;
import dev.enrich.model.Chapter;
import dev.enrich.model.TimeSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Render a canvas document as one self-contained HTML page: inline CSS (light and dark), an inline SVG timeline,
 * same-origin key frame thumbnails, highlights, an action item checklist and keywords; no scripts and no external
 * assets. All document text is HTML-escaped by the template engine.
 *
 * <p>The template is loaded from the classpath and compiled once, at construction, and a sample page is rendered so
 * every class the rendering needs is loaded up front: {@link #render} does no I/O and may run on an event loop.
 * Thread-safe.
 */
public final class CanvasRenderer implements CanvasPages {

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

    @Override
    public String contentSecurityPolicy() {
        return CONTENT_SECURITY_POLICY;
    }

    /** Return the HTML page for a canvas (the CANVAS stage's result). */
    @Override
    public String render(Canvas canvas) {
        return template.execute(CanvasView.of(canvas));
    }

    private static Canvas sample() {
        List<String> one = List.of("Sample.");
        return new Canvas("Sample", Instant.EPOCH, 90.0, "Sample.",
                new Canvas.Stats(0.5, 3.0, 1, -20.0, -10.0, 0.0, 2, 1, 1, 1, 1),
                List.of(new Chapter(0, 0, 45, null), new Chapter(1, 45, 90, "/api/v1/sessions/s/thumbnails/1")),
                new Canvas.Speech(false, List.of(new TimeSpan(1, 5)), List.of(-30.0, -20.0), 45.0),
                new Canvas.Motion(List.of(0.1, 0.9), null), one, one, List.of("sample"),
                List.of("audio", "video", "summary"), "Sample.");
    }
}
