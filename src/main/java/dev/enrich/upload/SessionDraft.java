package dev.enrich.upload;

import org.jspecify.annotations.Nullable;

/**
 * Describe a new session as its client sent it, before any check.
 *
 * @param title shown on the session's card; required
 * @param notes free-form notes, up to {@link SessionUploads#MAX_TEXT} characters
 * @param transcript a transcript, if the client has one, up to {@link SessionUploads#MAX_TEXT} characters
 */
public record SessionDraft(@Nullable String title, @Nullable String notes, @Nullable String transcript) {}
