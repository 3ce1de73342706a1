package dev.enrich.client;

import java.time.Instant;

/**
 * Refer to a session the service accepted ({@code POST /api/v1/sessions}).
 *
 * @param id the session id, for {@link EnrichClient#enrich} and {@link EnrichClient#result}
 * @param title its title
 * @param createdAt when it was accepted
 */
public record SessionRef(String id, String title, Instant createdAt) {}
