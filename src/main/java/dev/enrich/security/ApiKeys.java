package dev.enrich.security;

import dev.enrich.config.SecurityProperties;
import dev.enrich.tenant.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Look API keys up by their SHA-256. Keys are stored hashed, so a leaked configuration does not leak keys; the lookup
 * hashes the presented key first, so its timing says nothing about stored keys.
 */
public final class ApiKeys {

    private final Map<String, Caller> byHash;

    ApiKeys(List<SecurityProperties.ApiKey> keys) {
        Map<String, Caller> map = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            SecurityProperties.ApiKey key = keys.get(i);
            String subject = key.name().isBlank() ? "api-key-" + key.sha256().substring(0, 8) : key.name();
            Caller previous = map.put(key.sha256(), new Caller(key.tenant(), subject,
                    key.roles().contains(SecurityProperties.Role.ADMIN)));
            if (previous != null) {
                throw new IllegalArgumentException("enrich.security.api-keys[" + i + "] repeats another key's sha256");
            }
        }
        this.byHash = Map.copyOf(map);
    }

    /** Return the caller a key belongs to. */
    Optional<Caller> find(String key) {
        return Optional.ofNullable(byHash.get(sha256(key)));
    }

    /** Return the lower-case hex SHA-256 of {@code key}'s UTF-8 bytes, as configured in {@code api-keys[].sha256}. */
    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
