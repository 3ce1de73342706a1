/** backend/memory. */
@NullMarked
package dev.enrich.backend.memory;

import org.jspecify.annotations.NullMarked;
