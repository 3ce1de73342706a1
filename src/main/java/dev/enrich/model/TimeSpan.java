package dev.enrich.model;

/**
 * Span a stretch of a recording, e.g. one speech segment.
 *
 * @param start seconds from the start of the recording
 * @param end seconds from the start, not before {@code start}
 */
public record TimeSpan(double start, double end) {}
