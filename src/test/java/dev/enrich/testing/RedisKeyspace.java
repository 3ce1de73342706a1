package dev.enrich.testing;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;

/** Search a whole Redis keyspace, as tests that prove nothing of some data is left do. */
public final class RedisKeyspace {

    private RedisKeyspace() {}

    /** Return "key: text" for every key whose name or content (outside the kept feeds) contains one of the words. */
    public static List<String> naming(RedisCommands<String, String> redis, List<String> words) {
        List<String> found = new ArrayList<>();
        for (String key : keys(redis, "*")) {
            List<String> texts = new ArrayList<>(List.of(key));
            if (!key.matches("enrich:\\{stream:(user|batch):.*\\}:events")) {
                texts.addAll(contents(redis, key));
            }
            for (String text : texts) {
                if (words.stream().anyMatch(text::contains)) {
                    found.add(key + ": " + text);
                }
            }
        }
        return found;
    }

    private static List<String> contents(RedisCommands<String, String> redis, String key) {
        List<String> out = new ArrayList<>();
        switch (redis.type(key)) {
            case "string" -> out.add(redis.get(key));
            case "hash" -> redis.hgetall(key).forEach((field, value) -> out.add(field + "=" + value));
            case "zset" -> out.addAll(redis.zrange(key, 0, -1));
            case "set" -> out.addAll(redis.smembers(key));
            case "list" -> out.addAll(redis.lrange(key, 0, -1));
            case "stream" -> {
                for (StreamMessage<String, String> entry : redis.xrange(key, Range.create("-", "+"))) {
                    out.add(entry.getBody().toString());
                }
            }
            default -> out.add("unexpected type " + redis.type(key));
        }
        return out;
    }

    /** Return every key matching a glob pattern, read with SCAN. */
    public static List<String> keys(RedisCommands<String, String> redis, String pattern) {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(500));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }
}
