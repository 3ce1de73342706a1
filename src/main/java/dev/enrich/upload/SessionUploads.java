package dev.enrich.upload;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.LimitsProperties;
import dev.enrich.config.RetentionProperties;
import dev.enrich.engine.EnrichException;
import dev.enrich.retention.ExpiryIndex;
import dev.enrich.session.MediaDuration;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaQuotaException;
import dev.enrich.session.MediaTooLargeException;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaSniffer;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Take in a new session: check it, store its files (each checked by its content, not its declared type) and its long
 * texts with the media, then keep it. Whatever ends an upload early (a refusal, an error, the client leaving) deletes
 * what was stored for it. The tenant's media bytes are counted against {@code enrich.limits.max-media-per-tenant}:
 * a file stops being written as soon as it would go past what the tenant has left, and the session's bytes are
 * counted atomically before it is kept, so concurrent uploads cannot pass the cap together.
 */
@Service
public class SessionUploads {

    private static final Logger log = LoggerFactory.getLogger(SessionUploads.class);

    /** The longest title, in characters. */
    public static final int MAX_TITLE = 200;
    /** The longest notes or transcript, in characters. */
    public static final int MAX_TEXT = 1_000_000;
    private static final List<String> FIELDS = List.of("title", "notes", "transcript");

    private final SessionRepository sessions;
    private final MediaStore media;
    private final Clock clock;
    private final EnrichProperties.Media limits;
    private final Validator validator;
    private final MediaUsage usage;
    private final long mediaCap;
    private final ExpiryIndex expiry;
    private final RetentionProperties retention;

    public SessionUploads(SessionRepository sessions, MediaStore media, MediaUsage usage, ExpiryIndex expiry,
            Clock clock, EnrichProperties props, LimitsProperties tenantLimits, RetentionProperties retention,
            Validator validator) {
        this.validator = validator;
        this.usage = usage;
        this.expiry = expiry;
        this.retention = retention;
        this.mediaCap = tenantLimits.maxMediaPerTenant().toBytes();
        this.sessions = sessions;
        this.media = media;
        this.clock = clock;
        this.limits = props.media();
    }

    /**
     * Store and keep a new session of {@code tenant}.
     *
     * @param draft read only once the tenant is known to have room, so a refused upload is not parsed
     * @param files stored one after the other: a refused file stops the upload before the next is written
     * @return the kept session; fails with {@link EnrichException}, a storage limit or {@link MediaQuotaException}
     *     on what it refuses
     */
    public Mono<Session> upload(String tenant, Mono<SessionDraft> draft, List<UploadFile> files) {
        return Mono.fromRunnable(() -> checkFrames(files))
                .then(sessions.checkRoom(tenant))
                .then(usage.used(tenant))
                .map(used -> mediaCap - used)
                .flatMap(left -> Mono.usingWhen(reserveId(tenant),
                        id -> draft.switchIfEmpty(Mono.error(SessionUploads::untitled))
                                .map(this::check)
                                .flatMap(checked -> store(tenant, id, checked, files, left))
                                .flatMap(this::count)
                                .flatMap(this::scheduleExpiry)
                                // Kept last: an upload cancelled before it leaves no record behind pointing at deleted media.
                                .flatMap(sessions::save),
                        id -> Mono.empty(),
                        (id, error) -> discard(tenant, id),
                        id -> discard(tenant, id)));
    }

    // Indexed before a byte is stored: if this process dies mid-upload, the retention sweep deletes what it left.
    private Mono<String> reserveId(String tenant) {
        return Mono.fromSupplier(() -> UUID.randomUUID().toString())
                .flatMap(id -> expiry.schedule(new ExpiryIndex.SessionKey(tenant, id),
                        clock.instant().plus(retention.uploads())).thenReturn(id));
    }

    // Best effort: should it fail, the entry made at the start stands, and the sweep reschedules the kept session.
    private Mono<Session> scheduleExpiry(Session session) {
        return expiry.schedule(new ExpiryIndex.SessionKey(session.tenant(), session.id()),
                        session.createdAt().plus(retention.sessions()))
                .onErrorResume(e -> Mono.empty())
                .thenReturn(session);
    }

    private Mono<Void> discard(String tenant, String id) {
        return usage.release(tenant, id)
                .then(media.deleteSession(tenant, id))
                .then(expiry.remove(new ExpiryIndex.SessionKey(tenant, id)));
    }

    // Everything the session stored counts: its media and its long texts (kept with the media).
    private Mono<Session> count(Kept kept) {
        Session session = kept.session();
        return usage.add(session.tenant(), session.id(), kept.bytes(), mediaCap)
                .flatMap(counted -> counted ? Mono.just(session) : Mono.error(new MediaQuotaException(mediaCap)));
    }

    /** Return the refusal of a session without a title. */
    public static EnrichException untitled() {
        return invalid("Give the session a title.");
    }

    private void checkFrames(List<UploadFile> files) {
        long frames = files.stream().filter(f -> f.kind() == MediaKind.FRAMES).count();
        if (frames > limits.maxFrames()) {
            throw invalid("Too many screenshots: at most " + limits.maxFrames() + " per session.");
        }
    }

    // Each distinct message, in the order of the draft's fields (title first), as request bodies are answered.
    private SessionDraft check(SessionDraft draft) {
        Set<ConstraintViolation<SessionDraft>> violations = validator.validate(draft);
        if (!violations.isEmpty()) {
            throw invalid(violations.stream()
                    .sorted(Comparator.comparingInt(v -> FIELDS.indexOf(v.getPropertyPath().toString())))
                    .map(ConstraintViolation::getMessage)
                    .distinct()
                    .collect(Collectors.joining(" ")));
        }
        return draft;
    }

    private Mono<Kept> store(String tenant, String id, SessionDraft draft, List<UploadFile> files, long quotaLeft) {
        return storeMedia(tenant, id, files, quotaLeft).flatMap(refs -> {
            long mediaBytes = refs.stream().mapToLong(MediaRef::size).sum();
            return storeText(tenant, id, draft.notes(), quotaLeft - mediaBytes)
                    .flatMap(notes -> storeText(tenant, id, draft.transcript(), quotaLeft - mediaBytes - notes.bytes())
                            .map(transcript -> new Kept(new Session(id, tenant, draft.title().strip(),
                                    notes.text(), transcript.text(), refs, clock.instant()),
                                    mediaBytes + notes.bytes() + transcript.bytes())));
        });
    }

    // Long texts live with the media, not in memory: the session keeps their length and a preview. They count
    // against the tenant's storage as media do (short ones stay in the session's record, capped by the session count).
    private Mono<Text> storeText(String tenant, String sessionId, @Nullable String raw, long quotaLeft) {
        String text = raw == null || raw.isBlank() ? null : raw.strip();
        if (text == null) {
            return Mono.just(Text.NONE);
        }
        if (text.length() <= SessionText.PREVIEW_CHARS) {
            return Mono.just(new Text(SessionText.inline(text), 0));
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > quotaLeft) {
            return Mono.error(new MediaQuotaException(mediaCap));
        }
        Flux<DataBuffer> bytes = Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(utf8)));
        return media.store(tenant, sessionId, bytes, utf8.length)
                .map(stored -> new Text(SessionText.stored(stored.key(), text), stored.size()));
    }

    // In order of kind (audio, video, frames), as the media store expects to find them.
    private Mono<List<MediaRef>> storeMedia(String tenant, String sessionId, List<UploadFile> files,
            long quotaLeft) {
        AtomicLong total = new AtomicLong();
        long sessionLimit = limits.maxSessionSize().toBytes();
        return Flux.fromIterable(files)
                .sort((a, b) -> a.kind().compareTo(b.kind()))
                .concatMap(file -> {
                    long room = Math.min(limits.maxPartSize().toBytes(), sessionLimit - total.get());
                    long quotaRoom = quotaLeft - total.get();
                    if (quotaRoom <= 0) {
                        return Mono.error(new MediaQuotaException(mediaCap));
                    }
                    // Whichever limit is tighter decides what a too-large file is refused for.
                    boolean quotaBinds = quotaRoom < room;
                    return media.store(tenant, sessionId, file.content(), Math.min(room, quotaRoom))
                            .onErrorMap(MediaTooLargeException.class,
                                    e -> quotaBinds ? new MediaQuotaException(mediaCap) : e)
                            .flatMap(stored -> sniff(file.kind(), stored))
                            .doOnNext(stored -> total.addAndGet(stored.size()))
                            .map(stored -> new MediaRef(file.kind(), stored.key(), stored.size(),
                                    contentType(stored.format()), file.filename(), stored.length()));
                })
                .collectList();
    }

    // Check the stored bytes, not the declared type or name: the format is what the content says.
    // Its playing time is read from its header here too, once, for the ETA of every job on the session.
    private Mono<SniffedMedia> sniff(MediaKind kind, MediaStore.Stored stored) {
        return Mono.fromCallable(() -> {
                    byte[] head;
                    try (InputStream in = media.open(stored.key())) {
                        head = in.readNBytes(MediaSniffer.HEAD);
                    }
                    MediaSniffer.check(kind, head, stored.size()).ifPresent(problem -> {
                        throw new EnrichException(problem.unsupported() ? EnrichException.Kind.UNSUPPORTED
                                : EnrichException.Kind.UNPROCESSABLE, problem.detail());
                    });
                    String format = MediaSniffer.format(head);
                    return new SniffedMedia(stored.key(), stored.size(), format, length(stored.key(), format));
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    // Blocking. Unknown (null) when the header does not say or cannot be read: only the ETA is less informed.
    private @Nullable Duration length(String key, String format) {
        if (!format.equals("wav") && !format.equals("mp4")) {
            return null;
        }
        try (SeekableByteChannel channel = media.openChannel(key)) {
            return MediaDuration.of(format, channel).orElse(null);
        } catch (IOException | RuntimeException e) {
            log.debug("no media length for key={}: {}", key, e.toString());
            return null;
        }
    }

    private static String contentType(String format) {
        return switch (format) {
            case "wav" -> "audio/wav";
            case "mp4" -> "video/mp4";
            case "png" -> "image/png";
            default -> "image/jpeg";
        };
    }

    private static EnrichException invalid(String detail) {
        return new EnrichException(EnrichException.Kind.INVALID, detail);
    }

    private record SniffedMedia(String key, long size, String format, @Nullable Duration length) {}

    /** A session made from an upload, and the bytes it stored (media and long texts). */
    private record Kept(Session session, long bytes) {}

    /** A text of the session, if any, and the bytes it stored with the media (0 when kept in the record). */
    private record Text(@Nullable SessionText text, long bytes) {
        static final Text NONE = new Text(null, 0);
    }
}
