package dev.enrich.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Describe one recorded work session and its stored media. Immutable.
 *
 * @param id session id
 * @param tenant owner
 * @param title title given by the client
 * @param notes free-form notes, if any: their length and preview; the whole text lives with the media
 * @param transcript a transcript supplied with the upload, if any: length and preview, like the notes
 * @param media stored media, in upload order (frames in sequence)
 * @param createdAt when it was accepted
 */
public record Session(
        String id,
        @JsonIgnore String tenant,
        String title,
        @Nullable SessionText notes,
        @Nullable SessionText transcript,
        List<MediaRef> media,
        Instant createdAt) {

    public Session {
        media = List.copyOf(media);
    }

    /** Return the media of one kind, in upload order. */
    public List<MediaRef> media(MediaKind kind) {
        return media.stream().filter(m -> m.kind() == kind).toList();
    }

    /** Return the first media of one kind, if any. */
    public Optional<MediaRef> first(MediaKind kind) {
        return media.stream().filter(m -> m.kind() == kind).findFirst();
    }

    /** Return true when the session carries any text: notes or a transcript. */
    public boolean hasText() {
        return (notes != null && !notes.isBlank()) || (transcript != null && !transcript.isBlank());
    }
}
