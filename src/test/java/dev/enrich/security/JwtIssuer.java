package dev.enrich.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A token issuer for tests: an RSA key, its JWK set served over real HTTP on loopback (what
 * {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} points at), and signed JWTs.
 */
final class JwtIssuer implements AutoCloseable {

    static final String ISSUER = "https://login.example.test/";
    static final String AUDIENCE = "enrich";

    private final RSAKey key;
    private final HttpServer server;

    JwtIssuer() {
        try {
            key = new RSAKeyGenerator(2048).keyID("test-key-1").generate();
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/jwks", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String jwkSetUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** Return a token for {@code subject} in {@code tenant} with {@code roles}, valid for {@code validFor} from now. */
    String token(String subject, String tenant, List<String> roles, Duration validFor) {
        return token(subject, tenant, roles, validFor, AUDIENCE);
    }

    /** Return a token like {@link #token} for another audience; a null tenant leaves the claim out. */
    String token(String subject, @Nullable String tenant, List<String> roles, Duration validFor, String audience) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(audience).subject(subject)
                .claim("tenant", tenant).claim("roles", roles)
                .issueTime(Date.from(now.minus(Duration.ofMinutes(30))))
                .expirationTime(Date.from(now.plus(validFor))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
