package dev.enrich.stage.summary;

import static dev.enrich.stage.summary.SummaryFixtures.MEETING_NOTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.Chapter;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.TimeSpan;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.testing.Json;
import dev.enrich.testing.Outputs;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SummarizerTest {

    @Test
    void highlightsTheKeySentencesOfMeetingNotesInTextOrder() {
        SessionSummary s = Summarizer.summarize(SummaryFixtures.input("Weekly sync", MEETING_NOTES));

        assertThat(s.source()).isEqualTo(SessionSummary.Source.TEXT);
        assertThat(s.highlights()).containsExactly(
                "Carol showed the new checkout flow and the team liked the simpler payment form.",
                "The payment provider migration blocks the checkout release.",
                "We need to fix the payment provider integration before the checkout release.",
                "Bob writes the migration plan for the payment provider");
        assertThat(s.highlights()).doesNotContain("Lunch was good.", "Action items:");
        assertThat(s.summary()).isEqualTo(String.join(" ", s.highlights()) + ".");
        assertInTextOrder(MEETING_NOTES, s.highlights());
    }

    @Test
    void findsTheObviousKeywords() {
        SessionSummary s = Summarizer.summarize(SummaryFixtures.input("Weekly sync", MEETING_NOTES));

        assertThat(s.keywords()).hasSize(Summarizer.KEYWORDS)
                .startsWith("payment", "checkout", "provider", "release", "mobile")
                .allSatisfy(k -> assertThat(k).isLowerCase().doesNotContain(" "))
                .doesNotContain("the", "and", "we", "i'll");
    }

    @Test
    void findsExactlyTheActionItemsInTextOrder() {
        SessionSummary s = Summarizer.summarize(SummaryFixtures.input("Weekly sync", MEETING_NOTES));

        assertThat(s.actionItems()).containsExactly(
                "We need to fix the payment provider integration before the checkout release.",
                "Bob writes the migration plan for the payment provider",
                "Carol updates the mobile checkout mockups",
                "TODO: ask legal about the new terms.",
                "I'll follow up with the payment provider by Friday.",
                "Let's make sure the release notes mention the new payment form.");
        assertThat(s.actionItemsTruncated()).isFalse();
    }

    @Test
    void findsEachCuePhraseOnceAndIgnoresPlainStatements() {
        String notes = """
                We should rename the service.
                Next step: load test the queue.
                To do: rotate the keys.
                I will draft the announcement.
                Please make sure backups run.
                Follow-up with finance on the invoice.
                The report is due by Monday.
                The deadline for the survey is in May.
                Ship the fix ASAP.
                We should rename the service!
                The build is green.
                Nobody knew what to do about it.
                """;

        SessionSummary s = Summarizer.summarize(SummaryFixtures.input("Ops", notes));

        assertThat(s.actionItems()).containsExactly("We should rename the service.",
                "Next step: load test the queue.", "To do: rotate the keys.", "I will draft the announcement.",
                "Please make sure backups run.", "Follow-up with finance on the invoice.",
                "The report is due by Monday.", "The deadline for the survey is in May.", "Ship the fix ASAP.");
    }

    @Test
    void producesTheSameOutputForTheSameInput() {
        List<String> runs = IntStream.range(0, 5)
                .mapToObj(i -> Summarizer.summarize(SummaryFixtures.input("Weekly sync", MEETING_NOTES)))
                .map(s -> Json.map(s).toString())
                .toList();

        assertThat(runs).containsOnly(runs.get(0));
    }

    @Test
    void breaksKeywordTiesByFirstOccurrence() {
        SessionSummary s = Summarizer.summarize(SummaryFixtures.input("Ties",
                "Zebra yak xylophone. Walrus vulture umbrella. Tiger sparrow robin."));

        assertThat(s.keywords())
                .containsExactly("zebra", "yak", "xylophone", "walrus", "vulture", "umbrella", "tiger", "sparrow");
    }

    @Test
    void foldsPluralsIntoOneKeywordSpeltAsMostOftenWritten() {
        SessionSummary s = Summarizer.summarize(SummaryFixtures.input("Bugs",
                "The bugs piled up. One bug was nasty. Another bug was harmless. Priorities changed. "
                        + "The priority is stability."));

        assertThat(s.keywords()).startsWith("bug", "priority").doesNotContain("bugs", "priorities");
    }

    @Test
    void keepsANamedTitleAndReplacesAGenericOne() {
        assertThat(Summarizer.summarize(SummaryFixtures.input("Weekly sync", MEETING_NOTES)).title())
                .isEqualTo("Weekly sync");
        assertThat(Summarizer.summarize(SummaryFixtures.input("Recording 3", MEETING_NOTES)).title())
                .isEqualTo("Checkout redesign sync");
        assertThat(Summarizer.summarize(SummaryFixtures.input("Untitled", MEETING_NOTES.replace("# ", ""))).title())
                .isEqualTo("The payment provider migration blocks the checkout release");
    }

    @Test
    void stripsTimingLinesOfAWebVttTranscript() {
        String vtt = """
                WEBVTT

                1
                00:00:01.000 --> 00:00:04.000
                <v Alice>Welcome everyone to the search relevance review.</v>

                2
                00:00:04.000 --> 00:00:09.000
                <v Bob>Search relevance dropped after the ranking model update.</v>

                3
                00:00:09.000 --> 00:00:13.000
                <v Alice>The ranking model ignores the freshness signal for news queries.</v>

                4
                00:00:13.000 --> 00:00:16.000
                <v Bob>Coffee is ready in the kitchen.</v>

                5
                00:00:16.000 --> 00:00:21.000
                <v Alice>We need to retrain the ranking model with the freshness signal.</v>
                """;

        SessionSummary s = Summarizer.summarize(SummaryFixtures.transcript("Search review", vtt));

        assertThat(s.highlights()).contains("Search relevance dropped after the ranking model update.",
                "We need to retrain the ranking model with the freshness signal.");
        assertThat(s.summary()).doesNotContain("-->", "00:", "<v", "WEBVTT");
        assertThat(s.highlights()).noneMatch(h -> h.matches(".*\\d\\d:\\d\\d.*") || h.matches("\\d+"));
        assertThat(s.actionItems())
                .containsExactly("We need to retrain the ranking model with the freshness signal.");
        assertThat(s.keywords()).startsWith("ranking", "model");
    }

    @Test
    void readsAnUnpunctuatedSrtTranscriptCueByCue() {
        String srt = """
                1
                00:00:01,000 --> 00:00:03,000
                so the database migration failed twice

                2
                00:00:03,000 --> 00:00:06,000
                the database index was missing on the orders table

                3
                00:00:06,000 --> 00:00:09,000
                we need to add the index before the migration

                4
                00:00:09,000 --> 00:00:12,000
                and the orders table keeps growing
                """;

        SessionSummary s = Summarizer.summarize(SummaryFixtures.transcript("DB", srt));

        assertThat(s.highlights()).containsExactly("so the database migration failed twice",
                "the database index was missing on the orders table", "we need to add the index before the migration");
        assertThat(s.summary()).doesNotContain("-->", ",000");
        assertThat(s.actionItems()).containsExactly("we need to add the index before the migration");
    }

    @Test
    void describesTheStructureWhenThereIsNoText() {
        AudioAnalysis audio = Outputs.audio(725.0, 0.7, 42.4, List.of(new TimeSpan(0, 1), new TimeSpan(2, 3)),
                List.of());
        VideoAnalysis video = Outputs.video(724.9, List.of(new Chapter(0, 0, 180, null),
                        new Chapter(1, 180, 360, null), new Chapter(2, 360, 540, null),
                        new Chapter(3, 540, 724.9, null)),
                List.of(180.0, 360.0, 540.0), List.of());

        SessionSummary s = Summarizer.summarize(SummaryFixtures.structure("Recording 3", audio, video));

        assertThat(Json.map(s)).containsExactly(
                Map.entry("title", "12-minute session"),
                Map.entry("summary", "A 12-minute session in 4 chapters, 70% speech."),
                Map.entry("highlights", List.of("Audio: 70% speech in 2 segments, longest pause 0:42.",
                        "Video: 4 chapters, 3 scene changes, 1280x720.")),
                Map.entry("keywords", List.of()),
                Map.entry("actionItems", List.of()),
                Map.entry("source", "structure"));
    }

    @Test
    void describesPartialStructure() {
        assertThat(Json.map(Summarizer.summarize(SummaryFixtures.structure("Design review",
                null, new VideoAnalysis(VideoAnalysis.Source.MP4, 45.2, 0, 0, 0, List.of(), false, List.of(), false,
                        List.of(), null, List.of())))))
                .containsEntry("title", "Design review")
                .containsEntry("summary", "A 45-second session.")
                .containsEntry("highlights", List.of("Video: 0 scene changes."));
        assertThat(Summarizer.summarize(SummaryFixtures.structure("Untitled", null,
                new VideoAnalysis(VideoAnalysis.Source.FRAMES, null, 24, 0, 0, List.of(), false,
                        List.of(new Chapter(0, 0, 1, null), new Chapter(1, 1, 2, null)), false, List.of(), null,
                        List.of())))
                .summary()).isEqualTo("A session of 24 screenshots in 2 chapters.");
        assertThat(Summarizer.summarize(SummaryFixtures.structure("x", Outputs.audio(9000.0, 0.0, 0, List.of(),
                List.of()), null)).summary()).isEqualTo("A 2.5-hour session, 0% speech.");
    }

    @Test
    void summarisesAMegabyteOfNotesByRankingACappedSetOfSentences() {
        String notes = SummaryFixtures.megabyteOfNotes();

        SessionSummary s = Summarizer.summarize(SummaryFixtures.input("Big notes", notes));

        assertThat(notes.length()).isGreaterThanOrEqualTo(1 << 20);
        assertThat(s.sentences()).isGreaterThan(5_000);
        assertThat(s.rankedSentences()).isEqualTo(Summarizer.MAX_RANKED);
        assertThat(Json.map(s)).containsEntry("rankedSentences", Summarizer.MAX_RANKED)
                .containsEntry("actionItemsTruncated", true);
        assertThat(s.highlights()).hasSize(7);
        assertInTextOrder(notes, s.highlights());
        assertThat(s.keywords()).containsExactlyInAnyOrder(SummaryFixtures.TOPICS);
        assertThat(s.actionItems()).hasSize(Summarizer.MAX_ACTION_ITEMS);
    }

    private static void assertInTextOrder(String text, List<String> sentences) {
        int from = 0;
        for (String sentence : sentences) {
            int at = text.indexOf(sentence, from);
            assertThat(at).as("position of \"%s\" after %d", sentence, from).isGreaterThanOrEqualTo(0);
            from = at + sentence.length();
        }
    }
}
