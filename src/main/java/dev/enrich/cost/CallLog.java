package dev.enrich.cost;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Write the one structured line per AI call: {@code key=value} pairs in the message (for plain logs) and the same
 * pairs as SLF4J key-values (for JSON logs). Never writes an error's message: provider errors may echo requests.
 */
final class CallLog {

    private static final int MAX_MODEL = 100;

    private CallLog() {}

    static void call(Logger log, CostEntry e, String outcome, String currency) {
        Map<String, Object> fields = who(e);
        fields.put("outcome", outcome);
        fields.put("inputTokens", e.inputTokens());
        fields.put("outputTokens", e.outputTokens());
        fields.put("audioSeconds", e.audioSeconds());
        fields.put("latencyMs", e.latencyMillis());
        fields.put("cost", e.cost().toPlainString());
        fields.put("currency", currency);
        write(log, e.failed() ? Level.WARN : Level.INFO, "AI call", fields);
    }

    static void refused(Logger log, AiCall call, CostEntry.Kind kind, AiException e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tenant", call.tenant());
        fields.put("session", call.sessionId());
        fields.put("job", call.jobId());
        fields.put("stage", call.stage().id());
        fields.put("kind", kind(kind));
        fields.put("outcome", e.kind() == AiException.Kind.BUDGET_EXHAUSTED ? "budget_exhausted" : "not_checked");
        write(log, Level.INFO, "AI call refused", fields);
    }

    /** Write the line of a call that cost more than was reserved for it (a provider ignoring its limits). */
    static void overrun(Logger log, CostEntry e, BigDecimal reserved, String currency) {
        Map<String, Object> fields = who(e);
        fields.put("reserved", reserved.toPlainString());
        fields.put("cost", e.cost().toPlainString());
        fields.put("currency", currency);
        write(log, Level.WARN, "AI call cost more than reserved", fields);
    }

    /** Return the fields naming who a call was for and what it was. */
    private static Map<String, Object> who(CostEntry e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tenant", e.tenant());
        fields.put("session", e.sessionId());
        fields.put("job", e.jobId());
        fields.put("stage", e.stage().id());
        fields.put("kind", kind(e.kind()));
        fields.put("model", e.model());
        return fields;
    }

    static String kind(CostEntry.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** Keep a provider-supplied model name safe for logs, metric tags and map keys. */
    static String cleanModel(String model) {
        String cut = model.length() > MAX_MODEL ? model.substring(0, MAX_MODEL) : model;
        String clean = cut.replaceAll("[^A-Za-z0-9._:/@+-]", "_");
        return clean.isEmpty() ? ModelNames.UNKNOWN : clean;
    }

    private static void write(Logger log, Level level, String what, Map<String, Object> fields) {
        if (!log.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder event = log.atLevel(level);
        fields.forEach(event::addKeyValue);
        event.log(what + " " + fields.entrySet().stream()
                .map(f -> f.getKey() + "=" + quoted(String.valueOf(f.getValue())))
                .collect(Collectors.joining(" ")));
    }

    private static String quoted(String value) {
        if (!value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c < 127)) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\p{Cntrl}", "?") + '"';
    }
}
