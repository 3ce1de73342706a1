package dev.enrich.tenant;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Put every caller in one configured tenant ({@code enrich.tenant.default-id}, default "default") until auth lands. */
@Component
class DefaultTenantResolver implements TenantResolver {

    private final String tenant;

    DefaultTenantResolver(@Value("${enrich.tenant.default-id:default}") String tenant) {
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("enrich.tenant.default-id must not be blank");
        }
        this.tenant = tenant;
    }

    @Override
    public Mono<String> resolve(ServerWebExchange exchange) {
        return Mono.just(tenant);
    }
}
