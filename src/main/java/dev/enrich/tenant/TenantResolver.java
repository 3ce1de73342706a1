package dev.enrich.tenant;

import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Resolve the tenant a request acts for. The one place tenancy is decided: authentication replaces this bean.
 */
@FunctionalInterface
public interface TenantResolver {

    /** Return the tenant id of the caller of this exchange. */
    Mono<String> resolve(ServerWebExchange exchange);
}
