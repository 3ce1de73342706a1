/**
 * backend/redis: adapters of the ports on Redis (Spring Data Redis Reactive over Lettuce), for
 * {@code enrich.backend=redis}. Keys are laid out in {@link dev.enrich.backend.redis.RedisKeys}.
 */
@NullMarked
package dev.enrich.backend.redis;

import org.jspecify.annotations.NullMarked;
