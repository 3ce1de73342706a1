package dev.enrich.upload;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Describe a new session as its client sent it; {@link SessionUploads} checks it with Bean Validation.
 *
 * @param title shown on the session's card; required, at most {@link SessionUploads#MAX_TITLE} characters
 * @param notes free-form notes, up to {@link SessionUploads#MAX_TEXT} characters
 * @param transcript a transcript, if the client has one, up to {@link SessionUploads#MAX_TEXT} characters
 */
public record SessionDraft(
        @NotBlank(message = "Give the session a title.")
        @Size(max = SessionUploads.MAX_TITLE, message = "The title is too long: at most 200 characters.")
        @Nullable String title,
        @Size(max = SessionUploads.MAX_TEXT, message = TEXT_LIMIT) @Nullable String notes,
        @Size(max = SessionUploads.MAX_TEXT, message = TEXT_LIMIT) @Nullable String transcript) {

    static final String TEXT_LIMIT = "Notes and transcript are limited to a million characters each.";
}
