package dev.enrich.security;

import dev.enrich.config.SecurityProperties;
import java.util.List;

/** Contribute API keys besides {@code enrich.security.api-keys} (a secret store, a test fixture). */
@FunctionalInterface
public interface ApiKeySource {

    /** Return the keys to accept, each bound to a tenant and roles. */
    List<SecurityProperties.ApiKey> apiKeys();
}
