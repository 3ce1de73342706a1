/**
 * The implementation of {@link dev.enrich.client.EnrichClient}: not an API, may change in any release. Only
 * {@link dev.enrich.client.internal.ClientFactory} is public, for the API's factories.
 */
@NullMarked
package dev.enrich.client.internal;

import org.jspecify.annotations.NullMarked;
