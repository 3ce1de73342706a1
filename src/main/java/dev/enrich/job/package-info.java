/** job. */
@NullMarked
package dev.enrich.job;

import org.jspecify.annotations.NullMarked;
