/** backend/redis. */
@NullMarked
package dev.enrich.backend.redis;

import org.jspecify.annotations.NullMarked;
