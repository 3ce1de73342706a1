package dev.enrich.security;

import dev.enrich.config.SecurityProperties;
import dev.enrich.tenant.Caller;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import reactor.core.publisher.Mono;

/**
 * Turn presented credentials into a caller: a bearer token shaped like a JWT goes to the JWT decoder (when one is
 * configured: signature, expiry, issuer, audience), any other bearer token is looked up as an API key, a ticket is
 * redeemed for its stream. Every failure is the same 401 — which check failed is nobody's business but the log's.
 */
final class EnrichAuthenticationManager implements ReactiveAuthenticationManager {

    private final ApiKeys keys;
    private final StreamTickets tickets;
    private final @Nullable JwtReactiveAuthenticationManager jwts;

    EnrichAuthenticationManager(ApiKeys keys, StreamTickets tickets, @Nullable ReactiveJwtDecoder decoder,
            SecurityProperties.Jwt claims) {
        this.keys = keys;
        this.tickets = tickets;
        if (decoder == null) {
            this.jwts = null;
        } else {
            JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
            manager.setJwtAuthenticationConverter(jwt -> Mono.just(new EnrichAuthentication(caller(jwt, claims))));
            this.jwts = manager;
        }
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (authentication instanceof TicketAuthentication ticket) {
            return tickets.redeem(ticket.getCredentials(), ticket.path())
                    .<Authentication>map(EnrichAuthentication::new)
                    .switchIfEmpty(Mono.error(() -> new BadCredentialsException("unknown, used or expired ticket")));
        }
        if (authentication instanceof BearerTokenAuthenticationToken bearer) {
            String token = bearer.getToken();
            if (jwts != null && looksLikeJwt(token)) {
                return jwts.authenticate(bearer);
            }
            return Mono.justOrEmpty(keys.find(token))
                    .<Authentication>map(EnrichAuthentication::new)
                    .switchIfEmpty(Mono.error(() -> new BadCredentialsException("unknown API key")));
        }
        return Mono.empty();
    }

    private static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    static Caller caller(Jwt jwt, SecurityProperties.Jwt claims) {
        String tenant = jwt.getClaimAsString(claims.tenantClaim());
        String subject = jwt.getSubject();
        if (tenant == null || tenant.isBlank() || subject == null || subject.isBlank()) {
            throw new InvalidBearerTokenException("The token names no tenant or subject");
        }
        return new Caller(tenant, "jwt:" + subject, roles(jwt.getClaim(claims.rolesClaim())).contains("ADMIN"));
    }

    private static Collection<String> roles(@Nullable Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(r -> String.valueOf(r).toUpperCase(Locale.ROOT)).toList();
        }
        if (claim instanceof String text) {
            return List.of(text.toUpperCase(Locale.ROOT).split("[\\s,]+"));
        }
        return List.of();
    }
}
