/** Transcripts: parse plain text, WebVTT and SRT uploads into timed segments. */
@NullMarked
package dev.enrich.transcript;

import org.jspecify.annotations.NullMarked;
