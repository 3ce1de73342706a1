package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bind and validate {@code enrich.security.*}: who may call the API and how.
 *
 * <p>API keys are configured by their SHA-256 (hex), never in clear. JWTs are checked by Spring Boot's resource
 * server settings ({@code spring.security.oauth2.resourceserver.jwt.*}: issuer, audiences, keys); the claims named
 * here carry the tenant and the roles. With neither configured and {@code devKey.enabled}, a random development key
 * is written to {@code devKey.file} at start-up (the {@code prod} profile turns that off).
 *
 * @param apiKeys the API keys, each bound to one tenant and its roles
 * @param jwt which JWT claims carry the tenant and the roles
 * @param devKey the generated development key
 * @param tickets the EventSource stream tickets
 * @param corsOrigins origins whose pages may call the API and open event streams (none by default)
 */
@ConfigurationProperties("enrich.security")
public record SecurityProperties(
        @DefaultValue List<ApiKey> apiKeys,
        @DefaultValue Jwt jwt,
        @DefaultValue DevKey devKey,
        @DefaultValue Tickets tickets,
        @DefaultValue List<String> corsOrigins) {

    /** The roles a caller may hold. */
    public enum Role { USER, ADMIN }

    public SecurityProperties {
        apiKeys = List.copyOf(apiKeys);
        corsOrigins = List.copyOf(corsOrigins);
        for (String origin : corsOrigins) {
            require(!origin.equals("*"), "enrich.security.cors-origins must list origins, not '*'");
        }
    }

    /**
     * Configure one API key.
     *
     * @param sha256 the SHA-256 of the key, 64 hex digits ({@code printf %s "$KEY" | sha256sum})
     * @param tenant the tenant the key acts for
     * @param roles USER, ADMIN or both
     * @param name a label for logs (never the key)
     */
    public record ApiKey(String sha256, String tenant, @DefaultValue("USER") Set<Role> roles,
            @DefaultValue("") String name) {

        public ApiKey {
            require(sha256 != null && sha256.length() == 64
                    && sha256.chars().allMatch(c -> Character.digit(c, 16) >= 0),
                    "enrich.security.api-keys[].sha256 must be 64 hex digits (the SHA-256 of the key)");
            require(tenant != null && !tenant.isBlank(), "enrich.security.api-keys[].tenant must not be blank");
            require(!roles.isEmpty(), "enrich.security.api-keys[].roles must not be empty");
            sha256 = sha256.toLowerCase(Locale.ROOT);
            roles = Set.copyOf(roles);
        }
    }

    /**
     * Name the JWT claims Enrich reads.
     *
     * @param tenantClaim the claim holding the tenant id
     * @param rolesClaim the claim holding roles (a list or a space-separated string; USER when absent)
     */
    public record Jwt(@DefaultValue("tenant") String tenantClaim, @DefaultValue("roles") String rolesClaim) {}

    /**
     * Configure the development key.
     *
     * @param enabled generate one when no API key and no JWT issuer are configured
     * @param file where the key is kept (created with owner-only permissions, reused on restart)
     * @param tenant the tenant the key acts for
     */
    public record DevKey(@DefaultValue("true") boolean enabled, @DefaultValue(".enrich/dev-api-key") Path file,
            @DefaultValue("default") String tenant) {}

    /**
     * Configure EventSource tickets.
     *
     * @param ttl how long a ticket stays valid, at most 60 s
     * @param maxOutstanding the most unused live tickets kept at once, past which new ones are refused (live ones are
     *     never dropped); per replica in memory, for the whole fleet on Redis
     */
    public record Tickets(@DefaultValue("30s") Duration ttl, @DefaultValue("100000") int maxOutstanding) {

        public Tickets {
            require(!ttl.isNegative() && !ttl.isZero() && ttl.compareTo(Duration.ofSeconds(60)) <= 0,
                    "enrich.security.tickets.ttl must be in (0s, 60s], but was " + ttl);
            require(maxOutstanding > 0, "enrich.security.tickets.max-outstanding must be > 0");
        }
    }
}
