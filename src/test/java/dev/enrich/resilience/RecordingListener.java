package dev.enrich.resilience;

import dev.enrich.ai.AiCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remember every retry announced. */
final class RecordingListener implements RetryListener {

    /** One announced retry. */
    record Retrying(String dependency, int attempt, int maxAttempts, Duration delay) {}

    final List<Retrying> heard = new CopyOnWriteArrayList<>();

    @Override
    public void retrying(AiCall call, String dependency, int attempt, int maxAttempts, Duration delay) {
        heard.add(new Retrying(dependency, attempt, maxAttempts, delay));
    }
}
