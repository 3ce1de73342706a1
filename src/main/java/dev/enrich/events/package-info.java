/** events. */
@NullMarked
package dev.enrich.events;

import org.jspecify.annotations.NullMarked;
