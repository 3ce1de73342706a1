package dev.enrich.backend.redis;

import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Store a session whole: the wire type leaves out what clients must not see (tenant, media and text keys), which
 * storage must keep. The stored shape is its own, so a change of the wire format does not change stored data.
 */
record StoredSession(
        String id, String tenant, String title, @Nullable Text notes, @Nullable Text transcript, List<Media> media,
        Instant createdAt) {

    record Text(@Nullable String key, int length, String preview) {

        static @Nullable Text of(@Nullable SessionText t) {
            return t == null ? null : new Text(t.key(), t.length(), t.preview());
        }

        static @Nullable SessionText text(@Nullable Text t) {
            return t == null ? null : new SessionText(t.key(), t.length(), t.preview());
        }
    }

    /** One media file; {@code seconds} is null when its length is unknown (or the session predates it). */
    record Media(MediaKind kind, String key, long size, @Nullable String contentType, @Nullable String fileName,
            @Nullable Double seconds) {}

    static StoredSession of(Session s) {
        return new StoredSession(s.id(), s.tenant(), s.title(), Text.of(s.notes()), Text.of(s.transcript()),
                s.media().stream().map(m -> new Media(m.kind(), m.key(), m.size(), m.contentType(), m.fileName(),
                        m.length() == null ? null : m.length().toNanos() / 1e9))
                        .toList(),
                s.createdAt());
    }

    Session session() {
        return new Session(id, tenant, title, Text.text(notes), Text.text(transcript),
                media.stream().map(m -> new MediaRef(m.kind(), m.key(), m.size(), m.contentType(), m.fileName(),
                        m.seconds() == null ? null : Duration.ofNanos(Math.round(m.seconds() * 1e9))))
                        .toList(),
                createdAt);
    }
}
