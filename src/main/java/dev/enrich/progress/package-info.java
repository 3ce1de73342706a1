/** progress. */
@NullMarked
package dev.enrich.progress;

import org.jspecify.annotations.NullMarked;
