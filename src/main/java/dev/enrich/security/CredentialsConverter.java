package dev.enrich.security;

import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Read the credentials of a request: {@code Authorization: Bearer <API key or JWT>}, or, on a GET of an event
 * stream only, a {@code ticket} query parameter. Anything else is anonymous and meets the access rules as such.
 */
final class CredentialsConverter implements ServerAuthenticationConverter {

    private static final String BEARER = "bearer ";
    /** The event streams a ticket may open. */
    private static final Pattern STREAM = Pattern.compile("/api/v1/(events|(jobs|batches)/[A-Za-z0-9_-]{1,64}/events)");

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        List<String> authorization = exchange.getRequest().getHeaders().getOrEmpty(HttpHeaders.AUTHORIZATION);
        if (authorization.size() == 1 && authorization.get(0).regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.get(0).substring(BEARER.length()).trim();
            return token.isEmpty() ? Mono.empty() : Mono.just(new BearerTokenAuthenticationToken(token));
        }
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        String ticket = exchange.getRequest().getQueryParams().getFirst("ticket");
        if (ticket != null && !ticket.isBlank() && HttpMethod.GET.equals(exchange.getRequest().getMethod())
                && STREAM.matcher(path).matches()) {
            return Mono.just(new TicketAuthentication(ticket, path));
        }
        return Mono.empty();
    }
}
