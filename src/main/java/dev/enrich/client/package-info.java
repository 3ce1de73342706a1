/**
 * The Java client SDK of Enrich: a Reactor API ({@link reactor.core.publisher.Mono}, {@link
 * reactor.core.publisher.Flux}) over Spring's WebClient. Start with {@link dev.enrich.client.EnrichClient#create}.
 *
 * <p>Calls are lazy: nothing is sent until the returned publisher is subscribed, and each subscription sends anew.
 * Errors the service answers arrive as {@link dev.enrich.client.EnrichApiException} subclasses carrying the
 * problem+json status, title, detail and Retry-After. Event streams are typed ({@link dev.enrich.client.JobEvent}) and
 * resume after a dropped connection without losing or repeating events.
 *
 * <p>This package and its {@code internal} implementation depend on nothing of the server except the typed result
 * model ({@code dev.enrich.model}); they ship as the {@code dev.enrich:enrich-client} artifact
 * ({@code client/pom.xml}).
 */
@NullMarked
package dev.enrich.client;

import org.jspecify.annotations.NullMarked;
