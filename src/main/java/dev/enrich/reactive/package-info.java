/**
 * reactive: Reactor helpers the adapters and the engine share — timers whose stop never interrupts their work
 * ({@link dev.enrich.reactive.Ticks}).
 */
@NullMarked
package dev.enrich.reactive;

import org.jspecify.annotations.NullMarked;
