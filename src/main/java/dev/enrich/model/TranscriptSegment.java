package dev.enrich.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * Hold one piece of a transcript.
 *
 * @param start seconds from the start of the recording, rounded to milliseconds; null when the transcript is untimed
 * @param end seconds from the start, rounded to milliseconds; null when the transcript is untimed
 * @param text the text, not blank
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TranscriptSegment(@Nullable Double start, @Nullable Double end, String text) {}
