package dev.enrich.stage.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    @Test
    void readsNotesByLinesListsAndHeadings() {
        SentenceSplitter splitter = new SentenceSplitter();
        splitter.notes("""
                # Sprint **planning**
                We met with the team and
                agreed on scope. Velocity is stable
                Carol joins next week.
                Decisions:
                1. Keep the API frozen
                * Drop the legacy export

                ## Next steps
                - Alice drafts the plan
                - [x] Bob ordered laptops

                - [ ] Dan checks licences

                A plain remark after a blank line.
                """);

        assertThat(splitter.sentences()).containsExactly(
                new Sentence("We met with the team and agreed on scope.", false),
                new Sentence("Velocity is stable", false),
                new Sentence("Carol joins next week.", false),
                new Sentence("Keep the API frozen", false),
                new Sentence("Drop the legacy export", false),
                new Sentence("Alice drafts the plan", true),
                new Sentence("Bob ordered laptops", false),
                new Sentence("Dan checks licences", true),
                new Sentence("A plain remark after a blank line.", false));
        assertThat(splitter.firstHeading()).isEqualTo("Sprint planning");
    }

    @Test
    void splitsProseWithBreakIteratorIgnoringPunctuationOnlyPieces() {
        SentenceSplitter splitter = new SentenceSplitter();
        splitter.prose("It works, e.g. on Linux. Does it scale? Yes! ... ---");

        assertThat(splitter.sentences()).extracting(Sentence::text)
                .containsExactly("It works, e.g. on Linux.", "Does it scale?", "Yes!");
    }

    @Test
    void cutsOverlongSentencesAtSpaces() {
        SentenceSplitter splitter = new SentenceSplitter();
        splitter.prose("word ".repeat(200));

        List<Sentence> sentences = splitter.sentences();
        assertThat(sentences).hasSizeGreaterThan(3)
                .allSatisfy(s -> assertThat(s.text()).hasSizeLessThanOrEqualTo(SentenceSplitter.MAX_CHARS)
                        .startsWith("word").endsWith("word"));
        assertThat(String.join(" ", sentences.stream().map(Sentence::text).toList())).isEqualTo("word ".repeat(200).strip());
    }

    @Test
    void tellsGenericTitlesFromNamedOnes() {
        assertThat(List.of("Untitled", "Recording 3", "Meeting 2024-05-02", "IMG_0042", "New session", "  ", "Zoom call"))
                .allMatch(Titles::isGeneric);
        assertThat(List.of("Standup", "Checkout redesign sync", "Q3 planning", "Meeting with Acme"))
                .noneMatch(Titles::isGeneric);
    }
}
