package dev.enrich.resilience;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remember whether a dependency's last word was that the API key is refused; warn once per change, so a rejected key
 * gives one log line ("AI key rejected") rather than one per call.
 */
final class KeyState {

    private static final Logger log = LoggerFactory.getLogger(KeyState.class);

    private final String dependency;
    private final AtomicBoolean rejected = new AtomicBoolean();

    KeyState(String dependency) {
        this.dependency = dependency;
    }

    void reject() {
        if (rejected.compareAndSet(false, true)) {
            log.warn("AI key rejected: dependency={} answered 401/403; AI features stay on the basic path until the "
                    + "key (enrich.ai.api-key) is fixed", dependency);
        }
    }

    void accept() {
        if (rejected.compareAndSet(true, false)) {
            log.info("AI key accepted again: dependency={}", dependency);
        }
    }

    boolean rejected() {
        return rejected.get();
    }
}
