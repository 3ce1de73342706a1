package dev.enrich.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;

/** Hold the guards of one dependency. */
record Guards(String name, CircuitBreaker breaker, Bulkhead bulkhead, TimeLimiter timeLimiter, RetryStats retries,
        KeyState key) {}
