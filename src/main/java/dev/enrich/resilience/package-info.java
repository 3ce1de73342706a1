/** resilience: error taxonomy, retries with backoff and jitter, circuit breakers around external dependencies. */
@NullMarked
package dev.enrich.resilience;

import org.jspecify.annotations.NullMarked;
