/** backend: what the adapters share — the media key layout ({@link dev.enrich.backend.MediaKeys}). */
@NullMarked
package dev.enrich.backend;

import org.jspecify.annotations.NullMarked;
