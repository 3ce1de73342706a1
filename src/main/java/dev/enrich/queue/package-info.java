/** queue. */
@NullMarked
package dev.enrich.queue;

import org.jspecify.annotations.NullMarked;
