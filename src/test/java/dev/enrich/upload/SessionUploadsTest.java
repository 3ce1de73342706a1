package dev.enrich.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.memory.InMemorySessionRepository;
import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.config.EnrichProperties;
import dev.enrich.engine.EnrichException;
import dev.enrich.backend.memory.InMemoryExpiryIndex;
import dev.enrich.backend.memory.InMemoryMediaUsage;
import dev.enrich.config.LimitsProperties;
import dev.enrich.config.RetentionProperties;
import dev.enrich.retention.ExpiryIndex;
import java.time.Duration;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaQuotaException;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.Session;
import dev.enrich.session.StorageLimitException;
import dev.enrich.testing.Fixtures;
import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The upload use case on the real embedded store and repository, without HTTP. */
class SessionUploadsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    private InMemorySessionRepository sessions;
    private SessionUploads uploads;
    private EnrichProperties props;
    private final InMemoryMediaUsage usage = new InMemoryMediaUsage();
    private final InMemoryExpiryIndex expiry = new InMemoryExpiryIndex();

    @BeforeEach
    void setUp() {
        props = new Binder(new MapConfigurationPropertySource(Map.of(
                "enrich.media.max-frames", "2", "enrich.media.max-part-size", "64KB")))
                .bindOrCreate("enrich", EnrichProperties.class);
        sessions = new InMemorySessionRepository(2, 1);
        uploads = uploads(sessions, usage, "64MB");
    }

    private SessionUploads uploads(InMemorySessionRepository repository, MediaUsage counter, String mediaCap) {
        LimitsProperties limits = new Binder(new MapConfigurationPropertySource(Map.of(
                "enrich.limits.max-media-per-tenant", mediaCap)))
                .bindOrCreate("enrich.limits", LimitsProperties.class);
        return new SessionUploads(repository, new LocalDirectoryMediaStore(dir), counter, expiry,
                Clock.fixed(NOW, ZoneOffset.UTC), props, limits,
                new Binder().bindOrCreate("enrich.retention", RetentionProperties.class),
                Validation.buildDefaultValidatorFactory().getValidator());
    }

    @Test
    void keepsTheSessionWithItsSniffedFilesInKindOrder() {
        List<UploadFile> files = List.of(file(MediaKind.FRAMES, Fixtures.png(1)),
                file(MediaKind.AUDIO, Fixtures.wav(0.5, 8000)));

        Session session = uploads.upload("t1", draft("  Standup  ", "short notes"), files).block();

        assertThat(session.title()).isEqualTo("Standup");
        assertThat(session.createdAt()).isEqualTo(NOW);
        assertThat(session.media()).extracting(m -> m.kind() + " " + m.contentType())
                .containsExactly("audio audio/wav", "frames image/png");
        assertThat(sessions.find("t1", session.id()).block()).isEqualTo(session);
        assertThat(expiry.claim(NOW.plus(Duration.ofDays(7)).minusMillis(1), Duration.ofMinutes(1), 10)
                .collectList().block()).isEmpty();
        assertThat(expiry.claim(NOW.plus(Duration.ofDays(7)), Duration.ofMinutes(1), 10).collectList().block())
                .containsExactly(new ExpiryIndex.SessionKey("t1", session.id()));
    }

    @Test
    void aRefusedFileDeletesWhatWasStoredBeforeIt() throws IOException {
        List<UploadFile> files = List.of(file(MediaKind.AUDIO, Fixtures.wav(0.5, 8000)),
                file(MediaKind.VIDEO, "not a video at all".getBytes(StandardCharsets.UTF_8)));

        StepVerifier.create(uploads.upload("t1", draft("Standup", null), files))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EnrichException.class))
                .verify();

        assertThat(storedFiles()).isEmpty();
        assertThat(sessions.checkRoom("t1").thenReturn("room").block()).isEqualTo("room");
        assertThat(expiry.size().block()).isZero();
    }

    @Test
    void anUploadRefusedAtSaveDeletesItsFilesAndLongNotes() throws IOException {
        String notes = "word ".repeat(10_000);
        List<UploadFile> files = List.of(file(MediaKind.AUDIO, Fixtures.wav(0.5, 8000)));
        Sinks.One<SessionDraft> late = Sinks.one();
        // Both pass the room check of a tenant holding at most one session; the later one to save is refused.
        StepVerifier.FirstStep<Session> refused = StepVerifier.create(uploads.upload("t1", late.asMono(), files));
        Session kept = uploads.upload("t1", draft("First", notes), files).block();
        late.tryEmitValue(new SessionDraft("Second", notes, null));

        refused.expectError(StorageLimitException.class).verify();
        assertThat(kept.notes().length()).isEqualTo(notes.strip().length());
        assertThat(storedFiles()).hasSize(2); // the kept session's audio and notes only
    }

    @Test
    void refusesWhatItCannotKeepBeforeReadingAnything() {
        List<UploadFile> frames = Stream.of(1, 2, 3).map(i -> file(MediaKind.FRAMES, Fixtures.png(i))).toList();

        StepVerifier.create(uploads.upload("t1", Mono.error(new AssertionError("draft read")), frames))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EnrichException.class)
                        .hasMessage("Too many screenshots: at most 2 per session."))
                .verify();
        StepVerifier.create(uploads.upload("t1", Mono.empty(), List.of()))
                .expectErrorMessage("Give the session a title.")
                .verify();
        StepVerifier.create(uploads.upload("t1", draft("x".repeat(201), null), List.of()))
                .expectErrorMessage("The title is too long: at most 200 characters.")
                .verify();
        StepVerifier.create(uploads.upload("t1", draft(" ", "n".repeat(SessionUploads.MAX_TEXT + 1)), List.of()))
                .expectErrorMessage("Give the session a title. " + SessionDraft.TEXT_LIMIT)
                .verify();
    }

    @Test
    void aFilePastTheTenantsStorageIsRefusedAndNothingOfItStays() throws IOException {
        byte[] audio = Fixtures.wav(0.5, 8000);
        SessionUploads capped = uploads(new InMemorySessionRepository(10, 10), usage, (audio.length + 100) + "B");
        Session kept = capped.upload("t1", draft("First", null), List.of(file(MediaKind.AUDIO, audio))).block();

        StepVerifier.create(capped.upload("t1", draft("Second", null), List.of(file(MediaKind.AUDIO, audio))))
                .expectError(MediaQuotaException.class)
                .verify();

        assertThat(usage.used("t1").block()).isEqualTo(audio.length);
        assertThat(storedFiles()).hasSize(1); // the first session's audio only
        assertThat(capped.upload("t2", draft("Other tenant", null), List.of(file(MediaKind.AUDIO, audio)))
                .map(Session::title).block()).isEqualTo("Other tenant");
        usage.release("t1", kept.id()).block();
        assertThat(capped.upload("t1", draft("After a delete", null), List.of(file(MediaKind.AUDIO, audio)))
                .map(Session::title).block()).isEqualTo("After a delete");
    }

    @Test
    void concurrentUploadsCannotPassTheCapTogether() throws IOException {
        byte[] audio = Fixtures.wav(0.5, 8000);
        SessionUploads capped = uploads(new InMemorySessionRepository(10, 10), usage, (audio.length * 3 / 2) + "B");
        Sinks.One<SessionDraft> late = Sinks.one();
        // Both start with the whole cap left; the second to be counted is refused and its file deleted.
        StepVerifier.FirstStep<Session> second = StepVerifier.create(
                capped.upload("t1", late.asMono(), List.of(file(MediaKind.AUDIO, audio))));
        capped.upload("t1", draft("First", null), List.of(file(MediaKind.AUDIO, audio))).block();
        late.tryEmitValue(new SessionDraft("Second", null, null));

        second.expectError(MediaQuotaException.class).verify();
        assertThat(usage.used("t1").block()).isEqualTo(audio.length);
        assertThat(storedFiles()).hasSize(1);
    }

    private static Mono<SessionDraft> draft(String title, String notes) {
        return Mono.just(new SessionDraft(title, notes, null));
    }

    private static UploadFile file(MediaKind kind, byte[] bytes) {
        Flux<DataBuffer> content = Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)));
        return new UploadFile(kind, kind.part() + ".bin", content);
    }

    private List<Path> storedFiles() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }
}
