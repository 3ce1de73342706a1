package dev.enrich.resilience;

import java.util.concurrent.atomic.LongAdder;

/** Count one dependency's retries: scheduled, calls that succeeded after a retry, calls that ran out of retries. */
final class RetryStats {

    final LongAdder attempted = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder exhausted = new LongAdder();
}
