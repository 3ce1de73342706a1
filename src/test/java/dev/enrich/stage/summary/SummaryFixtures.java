package dev.enrich.stage.summary;

import dev.enrich.transcript.Transcript;
import dev.enrich.transcript.TranscriptParser;
import java.util.List;
import java.util.Map;

/** Texts and inputs shared by the summary tests. */
final class SummaryFixtures {

    static final String MEETING_NOTES = """
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

    private SummaryFixtures() {}

    static SummaryInput input(String title, String notes) {
        return new SummaryInput(title, Transcript.fromData(null), notes, List.of(), Facts.of(null, null));
    }

    static SummaryInput transcript(String title, String raw) {
        return new SummaryInput(title, TranscriptParser.parse(raw), "", List.of(), Facts.of(null, null));
    }

    static SummaryInput structure(String title, Map<String, Object> audio, Map<String, Object> video) {
        return new SummaryInput(title, Transcript.fromData(null), "", List.of(), Facts.of(audio, video));
    }
}
