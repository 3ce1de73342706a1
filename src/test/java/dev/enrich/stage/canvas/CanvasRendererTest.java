package dev.enrich.stage.canvas;

import static dev.enrich.stage.canvas.CanvasFixtures.audio;
import static dev.enrich.stage.canvas.CanvasFixtures.context;
import static dev.enrich.stage.canvas.CanvasFixtures.summary;
import static dev.enrich.stage.canvas.CanvasFixtures.video;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.model.Canvas;
import dev.enrich.model.Chapter;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.testing.Outputs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CanvasRendererTest {

    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final String ATTRIBUTE = "\"><img src=x onerror=alert(1)>";

    private final CanvasRenderer renderer = new CanvasRenderer();

    @Test
    void escapesHostileTextEverywhere() {
        String hostile = SCRIPT + ATTRIBUTE;
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.summary(hostile, hostile,
                List.of(hostile), List.of(hostile), List.of(hostile)));
        Canvas doc = CanvasDocument.build(context(hostile, summary));

        String html = renderer.render(doc);

        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("<script").doesNotContain("onerror=")
                .doesNotContain("<img src=x");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;");
        assertThat(count(html, "&lt;script&gt;")).isEqualTo(6);
    }

    @Test
    void escapesHostileSessionTitleWhenThereIsNoSummary() {
        String html = renderer.render(CanvasDocument.build(context(SCRIPT, audio())));

        assertThat(html).doesNotContain(SCRIPT).contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>");
    }

    @Test
    void refersToNothingOutsideThePage() {
        String html = renderer.render(CanvasDocument.build(context("Standup", audio(), video(), summary())));
        String lower = html.toLowerCase(Locale.ROOT);

        assertThat(lower).doesNotContain("http:").doesNotContain("https:").doesNotContain("//")
                .doesNotContain("<link").doesNotContain("@import").doesNotContain("url(").doesNotContain("<script");
        Matcher src = Pattern.compile("src=\"([^\"]*)\"").matcher(html);
        List<String> sources = new ArrayList<>();
        while (src.find()) {
            sources.add(src.group(1));
        }
        assertThat(sources).containsExactly("/api/v1/sessions/s-1/thumbnails/0", "/api/v1/sessions/s-1/thumbnails/1",
                "/api/v1/sessions/s-1/thumbnails/2");
    }

    @Test
    void drawsTheTimelineWithNumericCoordinatesOnly() {
        String html = renderer.render(CanvasDocument.build(context("Standup", audio(), video(), summary())));
        String svg = html.substring(html.indexOf("<svg"), html.indexOf("</svg>"));

        Matcher attributes = Pattern.compile("\\b(x|y|x1|y1|x2|y2|width|height|d|viewBox)=\"([^\"]*)\"").matcher(svg);
        int found = 0;
        while (attributes.find()) {
            found++;
            assertThat(attributes.group(2)).as(attributes.group()).matches("[-0-9. MLZ]+");
        }
        assertThat(found).isGreaterThan(50);
        assertThat(svg).contains(">Chapters<", ">Speech<", ">Loudness<", ">Motion<", ">0:00<", ">2:00<");
        assertThat(count(svg, "class=\"seg\"")).isEqualTo(2);
        assertThat(count(svg, "<rect class=\"ch-")).isEqualTo(3);
    }

    @Test
    void showsStatsChaptersHighlightsChecklistAndKeywords() {
        String html = renderer.render(CanvasDocument.build(context("Standup", audio(), video(), summary())));

        assertThat(html).contains("<h1>Release planning</h1>", "<time datetime=\"2025-03-04T09:30:00Z\">4 March 2025, 09:30 UTC</time>",
                "<span>2 min 1 s</span>", "Built from audio, video and summary",
                "<dt>Speech</dt><dd>72%</dd>", "<dt>Longest pause</dt><dd>14 s</dd>",
                "<dt>Average loudness</dt><dd>-23.5 <small>dBFS</small></dd>", "<dt>Chapters</dt><dd>3</dd>",
                "<strong>Chapter 2</strong><span>0:40–1:20 · 40 s</span>",
                "alt=\"Key frame of chapter 1\"", "<li>We planned the release.</li>",
                "<input type=\"checkbox\"><span>Write the docs</span>", "<li>release</li>");
        assertThat(html).doesNotContain("There isn't much to show yet");
    }

    @Test
    void rendersEveryUpstreamSubset() {
        List<StageResult> all = List.of(audio(), video(), summary());
        for (int mask = 0; mask < 8; mask++) {
            List<StageResult> subset = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if ((mask & (1 << i)) != 0) {
                    subset.add(all.get(i));
                }
            }
            String html = renderer.render(CanvasDocument.build(context("Subset " + mask,
                    subset.toArray(StageResult[]::new))));

            String title = (mask & 4) != 0 ? "Release planning" : "Subset " + mask;
            assertThat(html).as("subset %d", mask).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                    .contains("<h1>" + title + "</h1>");
            assertThat(html.contains("<svg")).as("timeline for subset %d", mask).isEqualTo((mask & 3) != 0);
            assertThat(html.contains("There isn't much to show yet")).isEqualTo(mask == 0);
        }
    }

    @Test
    void survivesAnEmptyOrForeignDocument() {
        Canvas.Stats none = new Canvas.Stats(null, null, null, null, null, null, null, null, null, null, null);
        assertThat(renderer.render(new Canvas(" ", Instant.EPOCH, null, null, none, List.of(), null, null, List.of(),
                List.of(), List.of(), List.of(), null))).contains("<h1>Session</h1>", "There isn't much to show yet");
        assertThat(renderer.render(new Canvas("", Instant.EPOCH, -1.0, null, none,
                List.of(new Chapter(0, 5, 1, null)), new Canvas.Speech(false, List.of(), List.of(), null), null,
                List.of(), List.of(), List.of(), List.of(), null)))
                .contains("<h1>Session</h1>").doesNotContain("<svg");
    }

    @Test
    void neverTalksAboutMoney() {
        String html = renderer.render(CanvasDocument.build(context("Standup", audio(), video(), summary())))
                .toLowerCase(Locale.ROOT);

        assertThat(html).doesNotContain("cost").doesNotContain("price").doesNotContain("token");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
