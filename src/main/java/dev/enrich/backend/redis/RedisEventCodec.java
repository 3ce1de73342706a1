package dev.enrich.backend.redis;

import dev.enrich.events.JobEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * Write a {@link JobEvent} as the JSON kept in a Redis stream entry and carried by a notification, and read it back.
 * The JSON leaves out the tenant (never on the wire) and the numbers (kept beside it), so both travel separately.
 */
final class RedisEventCodec {

    private final JsonMapper json;

    RedisEventCodec(JsonMapper json) {
        this.json = json;
    }

    String write(JobEvent event) {
        return json.writeValueAsString(event);
    }

    /** Read an event written by {@link #write}, numbered {@code seq} ({@code jobSeq} in its job's stream). */
    JobEvent read(String body, long seq, long jobSeq, String tenant) {
        JobEvent e = json.readValue(body, JobEvent.class);
        return new JobEvent(e.type(), seq, jobSeq, e.jobId(), e.batchId(), tenant, e.state(), e.progress(),
                e.etaSeconds(), e.message(), e.stage(), e.stageState(), e.stageProgress(), e.detail(), e.at());
    }

    /**
     * Read a notification: {@code <stream>\n<seq>\n<jobSeq>\n<tenant>\n<json>}, as the append script publishes it.
     */
    Notification notification(String message) {
        int a = message.indexOf('\n');
        int b = message.indexOf('\n', a + 1);
        int c = message.indexOf('\n', b + 1);
        int d = message.indexOf('\n', c + 1);
        if (a < 0 || b < 0 || c < 0 || d < 0) {
            throw new IllegalArgumentException("not an event notification: " + message);
        }
        String stream = message.substring(0, a);
        long seq = Long.parseLong(message.substring(a + 1, b));
        long jobSeq = Long.parseLong(message.substring(b + 1, c));
        String tenant = message.substring(c + 1, d);
        return new Notification(stream, read(message.substring(d + 1), seq, jobSeq, tenant));
    }

    /** An event as a notification carries it, numbered, with the stream it was appended to. */
    record Notification(String stream, JobEvent event) {}
}
