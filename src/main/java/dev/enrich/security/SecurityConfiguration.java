package dev.enrich.security;

import dev.enrich.config.SecurityProperties;
import dev.enrich.job.JobStateFilter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * One security chain for the whole service: stateless bearer authentication (API keys, JWTs) plus stream tickets,
 * role rules, problem+json 401/403, strict security headers and CORS for configured origins.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    /** The page's policy: its own scripts and styles only, nothing from other hosts, never framed. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "frame-src 'none'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";

    @Bean
    ApiKeys apiKeys(SecurityProperties settings, ObjectProvider<ApiKeySource> sources,
            ObjectProvider<ReactiveJwtDecoder> jwt) {
        List<SecurityProperties.ApiKey> keys = new ArrayList<>(settings.apiKeys());
        sources.orderedStream().forEach(source -> keys.addAll(source.apiKeys()));
        if (keys.isEmpty() && jwt.getIfAvailable() == null) {
            if (!settings.devKey().enabled()) {
                throw new IllegalStateException("No way in: configure enrich.security.api-keys or "
                        + "spring.security.oauth2.resourceserver.jwt.* (the development key is off in this profile)");
            }
            keys.add(DevApiKey.load(settings.devKey()));
        }
        return new ApiKeys(keys);
    }

    @Bean
    ProblemResponses problemResponses(ServerCodecConfigurer codecs) {
        return new ProblemResponses(codecs);
    }

    @Bean
    StreamTickets streamTickets(TicketStore store, SecurityProperties settings, Clock clock) {
        return new StreamTickets(store, settings.tickets(), clock);
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ApiKeys keys, StreamTickets tickets,
            ObjectProvider<ReactiveJwtDecoder> jwt, SecurityProperties settings, ProblemResponses problems) {
        ServerAuthenticationEntryPoint unauthorized = (exchange, e) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return problems.write(exchange, HttpStatus.UNAUTHORIZED,
                    "Please sign in with a valid API key.", null);
        };
        ServerAccessDeniedHandler forbidden = (exchange, e) -> problems.write(exchange, HttpStatus.FORBIDDEN,
                "You don't have access to this.", null);

        AuthenticationWebFilter authentication = new AuthenticationWebFilter(
                new EnrichAuthenticationManager(keys, tickets, jwt.getIfAvailable(), settings.jwt()));
        authentication.setServerAuthenticationConverter(new CredentialsConverter());
        authentication.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(unauthorized));
        authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());

        // No cookies and no sessions: browsers never send bearer tokens on their own, so there is no CSRF to stop.
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .authorizeExchange(rules -> rules
                        .pathMatchers(HttpMethod.OPTIONS, "/api/**").permitAll()
                        .pathMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .pathMatchers("/actuator/**").hasRole("ADMIN")
                        .pathMatchers(AdminPaths.PATTERNS.toArray(String[]::new)).hasRole("ADMIN")
                        .matchers(deadLetters()).hasRole("ADMIN")
                        .pathMatchers("/api/**").hasAnyRole("USER", "ADMIN")
                        .anyExchange().permitAll()) // the page, the API description and their assets; else 404
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CSP))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frame -> frame.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY)));
        if (settings.corsOrigins().isEmpty()) {
            http.cors(ServerHttpSecurity.CorsSpec::disable);
        } else {
            http.cors(cors -> cors.configurationSource(cors(settings.corsOrigins())));
        }
        return http.build();
    }

    /**
     * Dead letters ({@code GET /api/v1/jobs?state=failed}) are an operator's view. The state is parsed by the
     * listing's own parser, whatever the method (HEAD reaches the listing too): a value this rule does not read as
     * {@code failed} is either another state or refused with 400 by the listing.
     */
    private static ServerWebExchangeMatcher deadLetters() {
        ServerWebExchangeMatcher jobs = ServerWebExchangeMatchers.pathMatchers("/api/v1/jobs");
        return exchange -> jobs.matches(exchange).flatMap(match -> match.isMatch()
                && asksForDeadLetters(exchange.getRequest().getQueryParams().getOrDefault("state", List.of()))
                ? ServerWebExchangeMatcher.MatchResult.match()
                : ServerWebExchangeMatcher.MatchResult.notMatch());
    }

    private static boolean asksForDeadLetters(List<String> states) {
        try {
            return JobStateFilter.parse(states).deadLetters();
        } catch (IllegalArgumentException unparsable) {
            return false; // the listing parses the same values and answers 400
        }
    }

    private static UrlBasedCorsConfigurationSource cors(List<String> origins) {
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(origins);
        config.setAllowedMethods(List.of("GET", "POST", "DELETE"));
        config.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, "Last-Event-ID",
                "Idempotency-Key"));
        config.setExposedHeaders(List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION, "Idempotent-Replayed"));
        config.setAllowCredentials(false); // bearer tokens and tickets, never cookies
        config.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", config);
        return source;
    }

}
