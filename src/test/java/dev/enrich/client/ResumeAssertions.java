package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.SseClient;
import java.util.List;
import java.util.Locale;
import org.springframework.http.codec.ServerSentEvent;

/** Check what a resumed SDK stream handed over against the service's own log of the stream. */
final class ResumeAssertions {

    private ResumeAssertions() {}

    /**
     * Assert {@code seen} (the SDK's events, through cuts and reconnects) is a snapshot, then every event of
     * {@code log} (the stream replayed from its first event after it ended) that came after the snapshot, once each,
     * in order, with the same name and message. The only events of the log {@code seen} may lack are those the log's
     * replay lacks too: a job's progress events superseded by a newer one (latest wins), so every number missing from
     * {@code seen} is such an event. Ends with {@code last}.
     */
    static void everyEventOnceInOrder(List<JobEvent> seen, List<ServerSentEvent<String>> log, Class<?> last) {
        assertThat(seen).as("events").isNotEmpty();
        JobEvent snapshot = seen.get(0);
        assertThat(snapshot.getClass().getSimpleName()).endsWith("Snapshot");
        List<JobEvent> after = seen.subList(1, seen.size());
        assertThat(after).as("one snapshot only (no gap)").noneMatch(e -> e.getClass().getSimpleName()
                .endsWith("Snapshot"));
        assertThat(seen).extracting(JobEvent::seq).as("numbers").isSorted().doesNotHaveDuplicates();
        List<String> expected = log.stream().filter(e -> SseClient.id(e) > snapshot.seq())
                .map(e -> SseClient.id(e) + " " + e.event() + " " + SseClient.data(e).get("message")).toList();
        List<String> actual = after.stream().map(e -> e.seq() + " " + name(e) + " " + e.message()).toList();
        assertThat(expected).as("the log's events after the snapshot").isNotEmpty();
        assertThat(actual).as("handed over").containsSubsequence(expected);
        assertThat(actual).as("beyond the log's replay, only progress it superseded")
                .filteredOn(e -> !expected.contains(e)).allMatch(e -> e.contains(" progress "));
        assertThat(seen.get(seen.size() - 1)).isInstanceOf(last);
    }

    /** Return the SSE event name of an SDK event. */
    static String name(JobEvent event) {
        if (event instanceof JobEvent.StageChanged) {
            return "stage";
        }
        if (event instanceof JobEvent.BatchChanged) {
            return "batch";
        }
        if (event instanceof JobEvent.Ended ended) {
            return ended.state().id();
        }
        return event.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}
