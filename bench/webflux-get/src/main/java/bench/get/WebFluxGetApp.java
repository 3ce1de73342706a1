package bench.get;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/jobs/{id}} as a Spring Boot WebFlux user would write it: an annotated controller, a map lookup,
 * Jackson writing the view. With {@code --bench.security=true}, a Spring Security chain checks the bearer key's
 * SHA-256 and requires an authenticated caller, as Enrich's does (without Enrich's other filters, its observation
 * and its access log). Arguments: {@code --bench.body=<file with the job's JSON>} (its {@code id} is the path's).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class WebFluxGetApp {

    public static void main(String[] args) {
        SpringApplication.run(WebFluxGetApp.class, args);
    }

    @RestController
    static class Jobs {
        private final Map<String, Map<String, Object>> jobs = new ConcurrentHashMap<>();

        Jobs(@Value("${bench.body}") java.nio.file.Path body) throws java.io.IOException {
            Map<String, Object> job = JsonMapper.shared().readValue(java.nio.file.Files.readString(body),
                    new TypeReference<Map<String, Object>>() {});
            jobs.put((String) job.get("id"), job);
        }

        @GetMapping(path = "/api/v1/jobs/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
        Mono<Map<String, Object>> job(@PathVariable String id) {
            return Mono.justOrEmpty(jobs.get(id))
                    .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
        }
    }

    /** The API key check, on when {@code bench.security=true}. */
    @Configuration(proxyBeanMethods = false)
    @EnableWebFluxSecurity
    @ConditionalOnProperty(name = "bench.security", havingValue = "true")
    static class Security {
        @Bean
        SecurityWebFilterChain chain(ServerHttpSecurity http, @Value("${bench.key-sha256}") String keyHash) {
            byte[] expected = HexFormat.of().parseHex(keyHash);
            ReactiveAuthenticationManager keys = authentication -> {
                String key = (String) authentication.getCredentials();
                return MessageDigest.isEqual(sha256(key), expected)
                        ? Mono.just(new UsernamePasswordAuthenticationToken("bench", key,
                                AuthorityUtils.createAuthorityList("ROLE_USER")))
                        : Mono.empty();
            };
            AuthenticationWebFilter bearer = new AuthenticationWebFilter(keys);
            bearer.setServerAuthenticationConverter(exchange -> {
                List<String> values = exchange.getRequest().getHeaders().getOrEmpty(HttpHeaders.AUTHORIZATION);
                return values.isEmpty() || !values.get(0).startsWith("Bearer ") ? Mono.empty()
                        : Mono.just(new UsernamePasswordAuthenticationToken(null, values.get(0).substring(7)));
            });
            bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
            return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                    .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                    .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                    .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                    .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
                    .authorizeExchange(rules -> rules.anyExchange().authenticated())
                    .build();
        }

        private static byte[] sha256(String key) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
