/**
 * Data lifecycle: sessions and everything derived from them expire after {@code enrich.retention.*}, and what an
 * interrupted upload left behind is deleted, on every backend, by a sweeper that reads only what is due.
 */
@NullMarked
package dev.enrich.retention;

import org.jspecify.annotations.NullMarked;
