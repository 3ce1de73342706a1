/** Upload use case: check a new session, store its files and texts with the media, keep it; clean up on failure. */
@NullMarked
package dev.enrich.upload;

import org.jspecify.annotations.NullMarked;
