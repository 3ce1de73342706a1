package dev.enrich.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Describe a session to upload: a title, optional notes and transcript, and optional audio, video and screenshot
 * frames. Build one with {@link #builder(String)}.
 *
 * @param title what the session is called
 * @param notes free-form notes, if any
 * @param transcript a transcript (plain text, WebVTT or SRT), if any
 * @param audio the audio file, if any
 * @param video the video file, if any
 * @param frames screenshot frames in order (may be empty)
 */
public record NewSession(
        String title,
        @Nullable String notes,
        @Nullable String transcript,
        @Nullable MediaFile audio,
        @Nullable MediaFile video,
        List<MediaFile> frames) {

    /** @throws IllegalArgumentException when the title is blank */
    public NewSession {
        Objects.requireNonNull(title, "title");
        if (title.isBlank()) {
            throw new IllegalArgumentException("title must not be blank");
        }
        frames = List.copyOf(frames);
    }

    /** Start describing a session called {@code title}. */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** Return the media files in upload order: audio, video, then frames. */
    public List<MediaFile> media() {
        List<MediaFile> all = new ArrayList<>();
        Optional.ofNullable(audio).ifPresent(all::add);
        Optional.ofNullable(video).ifPresent(all::add);
        all.addAll(frames);
        return all;
    }

    /** Build a {@link NewSession}. Not thread-safe. */
    public static final class Builder {

        private final String title;
        private @Nullable String notes;
        private @Nullable String transcript;
        private @Nullable MediaFile audio;
        private @Nullable MediaFile video;
        private final List<MediaFile> frames = new ArrayList<>();

        private Builder(String title) {
            this.title = title;
        }

        /** Add free-form notes. */
        public Builder notes(String notes) {
            this.notes = notes;
            return this;
        }

        /** Add a transcript (plain text, WebVTT or SRT). */
        public Builder transcript(String transcript) {
            this.transcript = transcript;
            return this;
        }

        /** Upload the audio file at {@code path}. */
        public Builder audio(Path path) {
            return audio(MediaFile.of(path));
        }

        /** Upload this audio. */
        public Builder audio(MediaFile audio) {
            this.audio = audio;
            return this;
        }

        /** Upload the video file at {@code path}. */
        public Builder video(Path path) {
            return video(MediaFile.of(path));
        }

        /** Upload this video. */
        public Builder video(MediaFile video) {
            this.video = video;
            return this;
        }

        /** Add the screenshot frame at {@code path} after the frames added so far. */
        public Builder frame(Path path) {
            return frame(MediaFile.of(path));
        }

        /** Add this screenshot frame after the frames added so far. */
        public Builder frame(MediaFile frame) {
            frames.add(Objects.requireNonNull(frame, "frame"));
            return this;
        }

        /** Return the session described so far. */
        public NewSession build() {
            return new NewSession(title, notes, transcript, audio, video, frames);
        }
    }
}
