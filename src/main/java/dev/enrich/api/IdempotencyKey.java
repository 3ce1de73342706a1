package dev.enrich.api;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;

/**
 * Read the {@code Idempotency-Key} request header (IETF httpapi draft): a Structured Field String such as
 * {@code "8e03978e-40d5-43e8-bc93-6894a57f9324"} (RFC 9651 quoting: {@code \"} and {@code \\} escape), or a bare
 * token of the same characters as clients often send it. The key is 1 to {@value #MAX_LENGTH} characters, sent once.
 */
final class IdempotencyKey {

    /** The request header. */
    static final String HEADER = "Idempotency-Key";

    /** The longest key, in characters (after unquoting). */
    static final int MAX_LENGTH = 255;

    static final String MALFORMED = "Idempotency-Key must be one key of 1 to " + MAX_LENGTH
            + " printable characters, like Idempotency-Key: \"8e03978e-40d5-43e8-bc93-6894a57f9324\".";

    // tchar, ':' and '/': what an sf-token may hold (its first character aside, which we don't insist on).
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z:/]+");

    private IdempotencyKey() {}

    /** Return the request's key, unquoted; empty without the header; fails INVALID (400) when it is malformed. */
    static Optional<String> of(HttpHeaders headers) {
        List<String> values = headers.getOrEmpty(HEADER);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw StageSelection.invalid(MALFORMED);
        }
        String raw = values.get(0).strip();
        String key = raw.startsWith("\"") ? unquote(raw) : raw;
        if (key.isEmpty() || key.length() > MAX_LENGTH || !raw.startsWith("\"") && !TOKEN.matcher(raw).matches()) {
            throw StageSelection.invalid(MALFORMED);
        }
        return Optional.of(key);
    }

    // An sf-string: printable ASCII between quotes, with only \" and \\ escaped; nothing after the closing quote.
    private static String unquote(String raw) {
        StringBuilder key = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                if (i != raw.length() - 1) {
                    throw StageSelection.invalid(MALFORMED);
                }
                return key.toString();
            }
            if (c == '\\') {
                char next = ++i < raw.length() ? raw.charAt(i) : 0;
                if (next != '"' && next != '\\') {
                    throw StageSelection.invalid(MALFORMED);
                }
                c = next;
            } else if (c < 0x20 || c > 0x7e) {
                throw StageSelection.invalid(MALFORMED);
            }
            key.append(c);
        }
        throw StageSelection.invalid(MALFORMED); // no closing quote
    }
}
