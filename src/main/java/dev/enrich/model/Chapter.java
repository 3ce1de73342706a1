package dev.enrich.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * Describe one chapter of a video: the stretch between two scene changes.
 *
 * @param index the chapter's number, from 0; its key frame is served at {@code thumbnail}
 * @param start seconds from the start of the video
 * @param end seconds from the start, not before {@code start}
 * @param thumbnail the URL path of the chapter's key frame (PNG), or null when it has none
 * @param caption what the key frame shows, written by the AI vision model; null when not captioned
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Chapter(int index, double start, double end, @Nullable String thumbnail, @Nullable String caption) {

    /** Return a chapter without a caption. */
    public Chapter(int index, double start, double end, @Nullable String thumbnail) {
        this(index, start, end, thumbnail, null);
    }

    /** Return a copy with {@code caption}. */
    public Chapter withCaption(String caption) {
        return new Chapter(index, start, end, thumbnail, caption);
    }
}
