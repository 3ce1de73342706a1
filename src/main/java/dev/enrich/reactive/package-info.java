/**
 * reactive: Reactor helpers the adapters and the engine share — timers whose stop never interrupts their work
 * ({@link dev.enrich.reactive.Ticks}), and a cancel that reaches every attempt of a retry loop
 * ({@link dev.enrich.reactive.CancelLatch}).
 */
@NullMarked
package dev.enrich.reactive;

import org.jspecify.annotations.NullMarked;
