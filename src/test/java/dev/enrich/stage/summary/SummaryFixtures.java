package dev.enrich.stage.summary;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.transcript.Transcript;
import dev.enrich.transcript.TranscriptParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Texts and inputs shared by the summary tests. */
public final class SummaryFixtures {

    public static final String MEETING_NOTES = """
            # Checkout redesign sync

            Attendees: Alice, Bob, Carol.

            The checkout redesign is behind schedule because the payment provider changed its API.
            Carol showed the new checkout flow and the team liked the simpler payment form.
            The payment provider migration blocks the checkout release.
            Bob reported that mobile conversion dropped by four percent after the last release.
            We need to fix the payment provider integration before the checkout release.
            Alice thinks the conversion drop comes from the slow payment page on mobile.
            The design team will share updated mockups for the mobile checkout.
            Lunch was good.

            Action items:
            - Bob writes the migration plan for the payment provider
            - [ ] Carol updates the mobile checkout mockups
            - [x] Alice booked the design review

            TODO: ask legal about the new terms.
            I'll follow up with the payment provider by Friday.
            Let's make sure the release notes mention the new payment form.
            """;

    static final String[] TOPICS =
            {"payment", "checkout", "release", "mobile", "design", "latency", "database", "search"};

    /** Build about 1 MB of notes: seeded pseudo-words around a few topic words, some action items. */
    static String megabyteOfNotes() {
        Random random = new Random(7);
        String[] syllables = {"ka", "lo", "mi", "ter", "su", "van", "pe", "ro", "dil", "na", "qu", "zen"};
        List<String> vocabulary = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            vocabulary.add(syllables[random.nextInt(12)] + syllables[random.nextInt(12)] + syllables[random.nextInt(12)]);
        }
        StringBuilder b = new StringBuilder();
        int n = 0;
        while (b.length() < 1 << 20) {
            if (n % 50 == 7) {
                b.append("We need to review item ").append(n).append(" of the ").append(TOPICS[n % 8]).append(" plan.");
            } else {
                b.append("The ").append(TOPICS[random.nextInt(8)]);
                for (int w = 8 + random.nextInt(8); w > 0; w--) {
                    b.append(' ').append(vocabulary.get(random.nextInt(vocabulary.size())));
                }
                b.append(' ').append(TOPICS[random.nextInt(8)]).append('.');
            }
            b.append(++n % 6 == 0 ? "\n\n" : " ");
        }
        return b.toString();
    }

    private SummaryFixtures() {}

    static SummaryInput input(String title, String notes) {
        return new SummaryInput(title, Transcript.of(List.of()), notes, List.of(), null, null);
    }

    static SummaryInput transcript(String title, String raw) {
        return new SummaryInput(title, TranscriptParser.parse(raw), "", List.of(), null, null);
    }

    static SummaryInput structure(String title, @Nullable AudioAnalysis audio, @Nullable VideoAnalysis video) {
        return new SummaryInput(title, Transcript.of(List.of()), "", List.of(), audio, video);
    }
}
