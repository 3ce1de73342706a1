package dev.enrich.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.enrich.model.TranscriptSegment;
import dev.enrich.transcript.Transcript.Format;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TranscriptParserTest {

    @Test
    void readsWebVttWithIdsCommentsStylesSettingsAndTags() {
        String vtt = """
                WEBVTT - Standup
                Kind: captions
                Language: en

                NOTE This is a comment
                that spans lines

                STYLE
                ::cue { color: yellow }

                intro
                00:01.000 --> 00:04.000 align:start position:10%
                <v Alice>Welcome to the <b>standup</b>.</v>

                01:02:03.456 --> 01:02:05.5
                <v.loud Bob>We need to ship &amp; test</v>
                <c.yellow>by Friday</c> <00:01:02.000>please.
                """;

        Transcript t = TranscriptParser.parse(vtt);

        assertThat(t.format()).isEqualTo(Format.WEBVTT);
        assertThat(t.segments()).containsExactly(
                new TranscriptSegment(1.0, 4.0, "Welcome to the standup."),
                new TranscriptSegment(3723.456, 3725.5, "We need to ship & test by Friday please."));
        assertThat(t.plainText()).isEqualTo("Welcome to the standup. We need to ship & test by Friday please.");
    }

    @Test
    void readsSrtWithCommaFractionsAndFormatting() {
        String srt = """
                1
                00:00:01,000 --> 00:00:04,000
                <i>Hello</i> there,
                {\\an8}general.

                2
                00:00:05,250 --> 00:00:07,000
                <font color="#ffffff">Second cue.</font>
                """;

        Transcript t = TranscriptParser.parse(srt);

        assertThat(t.format()).isEqualTo(Format.SRT);
        assertThat(t.segments()).containsExactly(
                new TranscriptSegment(1.0, 4.0, "Hello there, general."),
                new TranscriptSegment(5.25, 7.0, "Second cue."));
    }

    @Test
    void toleratesBomCrlfCrAndExtraBlankLines() {
        String srt = "\uFEFF\r\n\r\n1\r\n00:00:01,000 --> 00:00:02,000\r\nOne\r\n\r\n\r\n\r\n2\r00:00:03,000 --> "
                + "00:00:04,000\rTwo\r";
        String vtt = "\uFEFFWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nOne\r\n";

        assertThat(TranscriptParser.parse(srt).segments()).extracting(TranscriptSegment::text)
                .containsExactly("One", "Two");
        assertThat(TranscriptParser.parse(vtt).format()).isEqualTo(Format.WEBVTT);
        assertThat(TranscriptParser.parse(vtt).segments()).containsExactly(new TranscriptSegment(1.0, 2.0, "One"));
    }

    @Test
    void skipsMalformedCuesAndKeepsTheRest() {
        String srt = """
                1
                00:00:01,000 --> garbage
                lost text

                2
                00:00:05,000 --> 00:00:03,000
                runs backwards

                3
                00:61:00,000 --> 00:62:00,000
                bad minutes

                4
                00:00:08,000 --> 00:00:09,000

                5
                00:00:10,000 --> 00:00:11,000
                <i></i>

                6
                00:00:12,000 --> 00:00:13,000
                kept
                7
                00:00:14,000 --> 00:00:15,000
                also kept, though no blank line came before
                just text without a timing line
                """;

        Transcript t = TranscriptParser.parse(srt);

        assertThat(t.format()).isEqualTo(Format.SRT);
        assertThat(t.segments()).containsExactly(new TranscriptSegment(12.0, 13.0, "kept"),
                new TranscriptSegment(14.0, 15.0,
                        "also kept, though no blank line came before just text without a timing line"));
    }

    @Test
    void readsVttCueRightAfterTheHeaderAndIgnoresTimingInsideNotes() {
        String vtt = "WEBVTT\n00:00.500 --> 00:01.000\nFirst\n\nNOTE\n00:02.000 --> 00:03.000\nhidden\n\n"
                + "00:04.000 --> 00:05.000\nLast\n";

        assertThat(TranscriptParser.parse(vtt).segments())
                .containsExactly(new TranscriptSegment(0.5, 1.0, "First"), new TranscriptSegment(4.0, 5.0, "Last"));
    }

    @Test
    void keepsALoneLessThanAndUnknownEntities() {
        String vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nif a < b &foo; &#65;&#x42; &lt;ok&gt;\n";

        assertThat(TranscriptParser.parse(vtt).plainText()).isEqualTo("if a < b &foo; AB <ok>");
    }

    @Test
    void treatsAnythingElseAsOnePlainSegment() {
        Transcript t = TranscriptParser.parse("\uFEFF  Hello there.\r\nSecond line.\r\n\r\n");

        assertThat(t.format()).isEqualTo(Format.PLAIN);
        assertThat(t.segments()).containsExactly(new TranscriptSegment(null, null, "Hello there.\nSecond line."));
        assertThat(t.plainText()).isEqualTo("Hello there.\nSecond line.");
    }

    @Test
    void treatsLookalikesAsPlainText() {
        assertThat(TranscriptParser.parse("WEBVTTX is not a header").format()).isEqualTo(Format.PLAIN);
        assertThat(TranscriptParser.parse("1\nOne thing.\n2\nAnother.").format()).isEqualTo(Format.PLAIN);
        assertThat(TranscriptParser.parse("2024 was a good year.").format()).isEqualTo(Format.PLAIN);
    }

    @Test
    void returnsNoSegmentsForBlankOrCueLessInput() {
        assertThat(TranscriptParser.parse("").segments()).isEmpty();
        assertThat(TranscriptParser.parse(" \r\n\t").segments()).isEmpty();
        assertThat(TranscriptParser.parse("WEBVTT\n\nNOTE only a note\n").segments()).isEmpty();
        assertThat(TranscriptParser.parse("WEBVTT").isEmpty()).isTrue();
        assertThat(TranscriptParser.parse("00:00:01,000 --> nope\ntext").segments()).isEmpty();
    }

    @Test
    void neverThrowsOnArbitraryText() {
        Random random = new Random(42);
        String alphabet = "WEBVTT0123456789:.,-> \n\r\t<>&#x;{}\\abc\uFEFF";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder b = new StringBuilder(random.nextBoolean() ? "WEBVTT\n" : "1\n00:00:01,000 --> ");
            for (int n = random.nextInt(200); n > 0; n--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String input = b.toString();
            assertThatCode(() -> TranscriptParser.parse(input).plainText()).as(input).doesNotThrowAnyException();
        }
    }

    @Test
    void readsBackTheSegmentsAResultCarries() {
        List<TranscriptSegment> timed = List.of(new TranscriptSegment(1.0, 2.5, "Hi."),
                new TranscriptSegment(null, null, " Yo. "), new TranscriptSegment(null, null, " "));

        assertThat(Transcript.of(timed)).isEqualTo(new Transcript(Format.WEBVTT,
                List.of(new TranscriptSegment(1.0, 2.5, "Hi."), new TranscriptSegment(null, null, "Yo."))));
        assertThat(Transcript.of(List.of(new TranscriptSegment(null, null, "ok"))).format()).isEqualTo(Format.PLAIN);
        assertThat(Transcript.of(List.of()).isEmpty()).isTrue();
    }
}
