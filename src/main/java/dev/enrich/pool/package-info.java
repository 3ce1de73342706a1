/** pool. */
@NullMarked
package dev.enrich.pool;

import org.jspecify.annotations.NullMarked;
