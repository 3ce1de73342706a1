package dev.enrich.resilience;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Exceptions;

/**
 * Write one structured line per failed attempt: {@code key=value} pairs in the message (plain logs) and as SLF4J
 * key-values (JSON logs). Names the error's type, never its message: provider errors may echo the request.
 */
final class AttemptLog {

    private AttemptLog() {}

    /** Log a failure that will be retried after {@code delay}. */
    static void retrying(Logger log, AiCall call, String dependency, int attempt, int maxAttempts, Throwable error,
            Duration delay) {
        Map<String, Object> fields = fields(call, dependency, attempt, maxAttempts, error);
        fields.put("retryInMs", delay.toMillis());
        write(log, Level.INFO, "External call failed, retrying", fields);
    }

    /** Log the failure a call ends with and return it as an {@link AiException}. */
    static AiException failed(Logger log, AiCall call, String dependency, int attempt, int maxAttempts,
            Throwable error) {
        write(log, Level.WARN, "External call failed", fields(call, dependency, attempt, maxAttempts, error));
        return asAiException(dependency, error);
    }

    /** Return {@code error} when it is an {@link AiException}, else one of the same class with a log-safe message. */
    static AiException asAiException(String dependency, Throwable error) {
        Throwable e = Exceptions.unwrap(error);
        if (e instanceof AiException ai) {
            return ai;
        }
        AiException.Kind kind = ErrorClassifier.isTransient(e) || ErrorClassifier.isCircuitOpen(e)
                ? AiException.Kind.TRANSIENT : AiException.Kind.PERMANENT;
        String what = ErrorClassifier.isCircuitOpen(e) ? "not permitted: circuit open" : "failed: " + describe(e);
        return new AiException(kind, dependency + " call " + what, ErrorClassifier.retryAfter(e).orElse(null), e);
    }

    private static Map<String, Object> fields(AiCall call, String dependency, int attempt, int maxAttempts,
            Throwable error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("dependency", dependency);
        fields.put("classification", classification(error));
        fields.put("attempt", attempt);
        fields.put("maxAttempts", maxAttempts);
        fields.put("error", describe(Exceptions.unwrap(error)));
        fields.put("tenant", call.tenant());
        fields.put("session", call.sessionId());
        fields.put("job", call.jobId());
        fields.put("stage", call.stage().id());
        return fields;
    }

    private static String classification(Throwable error) {
        if (ErrorClassifier.isBudgetExhausted(error)) {
            return "PERMANENT(budget)";
        }
        if (ErrorClassifier.isKeyRejected(error)) {
            return "PERMANENT(key_rejected)";
        }
        return ErrorClassifier.isCircuitOpen(error) ? "PERMANENT(circuit_open)"
                : ErrorClassifier.classify(error).name();
    }

    private static String describe(Throwable e) {
        String type = e.getClass().getSimpleName();
        if (e instanceof AiException ai) {
            return type + "(" + ai.kind() + ")";
        }
        if (e instanceof WebClientResponseException http) {
            return type + "(" + http.getStatusCode().value() + ")";
        }
        return type;
    }

    private static void write(Logger log, Level level, String message, Map<String, Object> fields) {
        if (!log.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder event = log.atLevel(level);
        fields.forEach(event::addKeyValue);
        event.log(message + ": " + fields.entrySet().stream()
                .map(f -> f.getKey() + "=" + f.getValue())
                .collect(Collectors.joining(" ")));
    }
}
