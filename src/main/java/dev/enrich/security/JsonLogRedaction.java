package dev.enrich.security;

import java.util.regex.Pattern;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * Blank stream tickets and bearer tokens in structured (JSON) log lines, as the console and file patterns of
 * application.yml do in plain ones: every string value of a line (message, stack trace, MDC values) passes through
 * {@link #redact}. Named by {@code logging.structured.json.customizer}.
 */
public final class JsonLogRedaction implements StructuredLoggingJsonMembersCustomizer<Object> {

    // The regex of the %replace in logging.pattern.console/file (application.yml): keep the two alike.
    private static final Pattern SECRET = Pattern.compile("(?i)((?:t|%[57]4)(?:i|%[46]9)(?:c|%[46]3)(?:k|%[46]b)"
            + "(?:e|%[46]5)(?:t|%[57]4)=|\"ticket\":\"|bearer )[^&\\s\",\\]]+");

    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(JsonWriter.ValueProcessor.of(String.class, JsonLogRedaction::redact));
    }

    /** Return {@code text} with every ticket ({@code ticket=}, percent-encoded too) and bearer token as {@code ***}. */
    static String redact(String text) {
        return SECRET.matcher(text).replaceAll("$1***");
    }
}
