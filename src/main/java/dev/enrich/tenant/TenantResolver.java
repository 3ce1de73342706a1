package dev.enrich.tenant;

import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Resolve who a request acts for. The one place tenancy is decided: the security adapter implements it from the
 * authenticated principal, so every controller scopes by the caller's tenant the same way.
 */
public interface TenantResolver {

    /** Return the authenticated caller of this exchange; an error if there is none (security lets none through). */
    Mono<Caller> caller(ServerWebExchange exchange);

    /** Return the tenant id of the caller of this exchange. */
    default Mono<String> resolve(ServerWebExchange exchange) {
        return caller(exchange).map(Caller::tenant);
    }
}
