package dev.enrich.backend.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Hold a Lua script with its SHA-1 computed once. Spring's {@code DefaultRedisScript} takes a lock on every
 * {@code getSha1()}, which parks an event-loop thread when two calls meet (BlockHound says so).
 */
record LuaScript<T>(String text, Class<T> type, String sha1) implements RedisScript<T> {

    static <T> LuaScript<T> of(String text, Class<T> type) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return new LuaScript<>(text, type, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    @Override
    public String getSha1() {
        return sha1;
    }

    @Override
    public Class<T> getResultType() {
        return type;
    }

    @Override
    public String getScriptAsString() {
        return text;
    }
}
