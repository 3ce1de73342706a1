package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import dev.enrich.session.StorageLimitException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** What every {@link SessionRepository} does; each backend runs it against its adapter. */
public abstract class SessionRepositoryContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);

    /** Return an empty repository with these caps. */
    protected abstract SessionRepository repository(int maxSessions, int maxPerTenant);

    /**
     * Return a second handle on the store behind the last {@link #repository}, as another replica would hold one; the
     * default is that repository itself (a store inside one process has no other handle).
     */
    protected SessionRepository otherReplica(SessionRepository first, int maxSessions, int maxPerTenant) {
        return first;
    }

    @Test
    void aSavedSessionComesBackWholeToItsTenantOnly() {
        SessionRepository sessions = repository(10, 10);
        Session saved = new Session("s1", "a", "Standup", SessionText.stored("notes-key", "n".repeat(400)),
                SessionText.inline("hello"),
                List.of(new MediaRef(MediaKind.AUDIO, "media/s1/audio", 1234, "audio/wav", "a.wav",
                                Duration.ofMillis(61_250)),
                        new MediaRef(MediaKind.FRAMES, "media/s1/f0", 10, null, null)),
                Instant.parse("2026-01-02T03:04:05.123456789Z"));
        sessions.save(saved).block(WAIT);

        assertThat(sessions.find("a", "s1").block(WAIT)).isEqualTo(saved);
        assertThat(sessions.find("b", "s1").blockOptional(WAIT)).as("another tenant's id").isEmpty();
        assertThat(sessions.find("a", "nope").blockOptional(WAIT)).isEmpty();
    }

    @Test
    void sessionsPastATenantsShareOrTheServicesAreRefused() {
        SessionRepository sessions = repository(3, 2);
        sessions.save(session("a1", "a")).block(WAIT);
        sessions.save(session("a2", "a")).block(WAIT);
        sessions.save(session("a1", "a")).block(WAIT); // replacing one takes no room

        assertThatThrownBy(() -> sessions.save(session("a3", "a")).block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.TENANT));
        sessions.save(session("b1", "b")).block(WAIT);
        assertThatThrownBy(() -> sessions.save(session("b2", "b")).block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.SERVICE));
        assertThatThrownBy(() -> sessions.checkRoom("a").block(WAIT)).isInstanceOf(StorageLimitException.class);
        assertThat(sessions.find("a", "a3").blockOptional(WAIT)).isEmpty();
        assertThat(sessions.find("a", "a1").blockOptional(WAIT)).isPresent();
    }

    @Test
    void checkRoomSaysWhoseShareIsFull() {
        SessionRepository sessions = repository(2, 1);
        sessions.checkRoom("a").block(WAIT);
        sessions.save(session("a1", "a")).block(WAIT);
        assertThatThrownBy(() -> sessions.checkRoom("a").block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.TENANT));
        sessions.checkRoom("b").block(WAIT);
        sessions.save(session("b1", "b")).block(WAIT);
        assertThatThrownBy(() -> sessions.checkRoom("c").block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.SERVICE));
    }

    @Test
    void concurrentNewSessionsNeverPassTheCaps() {
        SessionRepository sessions = repository(7, 4);
        SessionRepository other = otherReplica(sessions, 7, 4);
        List<Boolean> saved = Flux.range(0, 24)
                .flatMap(i -> (i % 2 == 0 ? sessions : other).save(session("s" + i, i < 12 ? "a" : "b"))
                        .map(s -> true)
                        .onErrorResume(StorageLimitException.class, e -> Mono.just(false))
                        .subscribeOn(Schedulers.parallel()))
                .collectList().block(WAIT);

        assertThat(saved).filteredOn(b -> b).as("at most 4 of a and 4 of b, at most 7 in all").hasSize(7);
        assertThatThrownBy(() -> sessions.checkRoom("c").block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.SERVICE));
    }

    @Test
    void anotherTenantsSessionIdCannotBeTakenOver() {
        SessionRepository sessions = repository(10, 10);
        sessions.save(session("s1", "a")).block(WAIT);
        assertThatThrownBy(() -> sessions.save(session("s1", "b")).block(WAIT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sessions.find("a", "s1").blockOptional(WAIT)).isPresent();
    }

    @Test
    void deletingASessionGivesItsRoomBackToItsTenantOnly() {
        SessionRepository sessions = repository(2, 1);
        sessions.save(session("a1", "a")).block(WAIT);
        sessions.save(session("b1", "b")).block(WAIT);

        assertThat(sessions.delete("b", "a1").block(WAIT)).as("another tenant's id").isFalse();
        assertThat(sessions.find("a", "a1").blockOptional(WAIT)).isPresent();
        assertThat(sessions.delete("a", "a1").block(WAIT)).isTrue();
        assertThat(sessions.delete("a", "a1").block(WAIT)).as("deleted already").isFalse();

        assertThat(sessions.find("a", "a1").blockOptional(WAIT)).isEmpty();
        sessions.checkRoom("a").block(WAIT);
        sessions.save(session("a2", "a")).block(WAIT);
        assertThatThrownBy(() -> sessions.save(session("c1", "c")).block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.SERVICE));
        sessions.delete("b", "b1").block(WAIT);
        sessions.save(session("c1", "c")).block(WAIT);
    }

    @Test
    void aTenantsSessionIdsAreListedWithoutOthers() {
        SessionRepository sessions = repository(10, 10);
        for (String id : List.of("a1", "a2", "a3")) {
            sessions.save(session(id, "a")).block(WAIT);
        }
        sessions.save(session("a1", "a")).block(WAIT);
        sessions.save(session("b1", "b")).block(WAIT);
        sessions.delete("a", "a2").block(WAIT);

        assertThat(sessions.findIds("a").collectList().block(WAIT)).containsExactlyInAnyOrder("a1", "a3");
        assertThat(sessions.findIds("b").collectList().block(WAIT)).containsExactly("b1");
        assertThat(sessions.findIds("nobody").collectList().block(WAIT)).isEmpty();
    }

    protected static Session session(String id, String tenant) {
        return new Session(id, tenant, "T", null, null, List.of(), Instant.EPOCH);
    }
}
