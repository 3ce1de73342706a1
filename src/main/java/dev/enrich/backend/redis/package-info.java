/** backend.redis: the Redis adapters of the core's ports (Spring Data Redis Reactive over Lettuce). */
@NullMarked
package dev.enrich.backend.redis;

import org.jspecify.annotations.NullMarked;
