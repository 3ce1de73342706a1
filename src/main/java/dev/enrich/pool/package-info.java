/**
 * pool: {@link dev.enrich.pool.WorkerPool} runs queued jobs with bounded concurrency. Its dispatch is a Flux of the
 * queue's jobs consumed with {@code flatMap(run, concurrency)}; slot health and metrics observe it.
 */
@NullMarked
package dev.enrich.pool;

import org.jspecify.annotations.NullMarked;
