package dev.enrich.security;

import dev.enrich.tenant.Caller;
import dev.enrich.tenant.TenantResolver;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Take the caller from the security context the authentication filter filled. */
@Component
class SecurityTenantResolver implements TenantResolver {

    @Override
    public Mono<Caller> caller(ServerWebExchange exchange) {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication() instanceof EnrichAuthentication auth
                        ? auth.caller() : null)
                .switchIfEmpty(Mono.error(() -> new AuthenticationCredentialsNotFoundException("no caller")));
    }
}
