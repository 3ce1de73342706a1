package dev.enrich.cost;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.Transcription;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Meter any {@link AiProvider}: refuse calls of tenants whose budget is exhausted (the delegate is not called), then
 * time each call, price it, record it in the {@link CostLedger}, log one structured line and count it in Micrometer.
 *
 * <p>Failed and cancelled calls are recorded and counted at zero cost. Metrics: {@code enrich.ai.calls} (tags
 * stage, model, kind, outcome), {@code enrich.ai.tokens} (stage, model, type=input|output),
 * {@code enrich.ai.audio.seconds} (stage, model), {@code enrich.ai.cost} (stage, model, currency) and
 * {@code enrich.ai.budget.refusals} (stage). No tenant or session tags: they are unbounded. Cost appears only in the
 * backend log, the ledger and metrics — never in what the decorated calls return or signal.
 */
public final class MeteredAiProvider implements AiProvider {

    private static final Logger log = LoggerFactory.getLogger(MeteredAiProvider.class);

    private final AiProvider delegate;
    private final ModelNames models;
    private final PriceTable prices;
    private final Budgets budgets;
    private final CostLedger ledger;
    private final MeterRegistry meters;
    private final Clock clock;

    /** Decorate {@code delegate}; {@code clock} stamps the entries. */
    public MeteredAiProvider(AiProvider delegate, ModelNames models, PriceTable prices, Budgets budgets,
            CostLedger ledger, MeterRegistry meters, Clock clock) {
        this.delegate = delegate;
        this.models = models;
        this.prices = prices;
        this.budgets = budgets;
        this.ledger = ledger;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public boolean enabled() {
        return delegate.enabled();
    }

    @Override
    public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
        String model = CallLog.cleanModel(models.transcription());
        return metered(call, CostEntry.Kind.TRANSCRIPTION, model, () -> delegate.transcribe(call, wav, offsetSeconds),
                t -> {
                    double seconds = Double.isFinite(t.audioSeconds()) ? Math.max(0, t.audioSeconds()) : 0;
                    return new Used(model, 0, 0, seconds, prices.transcription(model, seconds));
                });
    }

    @Override
    public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
        return metered(call, CostEntry.Kind.CHAT, CallLog.cleanModel(models.chat(request.task())),
                () -> delegate.chat(call, request), r -> {
                    String model = CallLog.cleanModel(r.model());
                    long in = Math.max(0, r.inputTokens());
                    long out = Math.max(0, r.outputTokens());
                    return new Used(model, in, out, 0, prices.chat(model, in, out));
                });
    }

    private <T> Mono<T> metered(AiCall call, CostEntry.Kind kind, String plannedModel, Supplier<Mono<T>> send,
            Function<T, Used> measure) {
        return budgets.check(call.tenant())
                .onErrorMap(e -> !(e instanceof AiException),
                        e -> new AiException(AiException.Kind.TRANSIENT, "AI budget check failed", null, e))
                .doOnError(AiException.class, e -> refused(call, kind, e))
                .then(Mono.defer(() -> {
                    Instant at = clock.instant();
                    long start = System.nanoTime();
                    AtomicBoolean accounted = new AtomicBoolean();
                    return send.get()
                            .flatMap(reply -> {
                                accounted.set(true);
                                Used used = measure.apply(reply);
                                return account(call, kind, used, at, start, "ok").thenReturn(reply);
                            })
                            .onErrorResume(e -> accounted.compareAndSet(false, true)
                                    ? account(call, kind, Used.failed(plannedModel), at, start, outcome(e))
                                            .then(Mono.error(e))
                                    : Mono.error(e))
                            .doOnCancel(() -> {
                                if (accounted.compareAndSet(false, true)) {
                                    account(call, kind, Used.failed(plannedModel), at, start, "cancelled")
                                            .subscribe();
                                }
                            });
                }));
    }

    private Mono<Void> account(AiCall call, CostEntry.Kind kind, Used used, Instant at, long start, String outcome) {
        long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        boolean failed = !"ok".equals(outcome);
        CostEntry entry = new CostEntry(call.tenant(), call.sessionId(), call.jobId(), call.stage(), used.model(),
                kind, used.inputTokens(), used.outputTokens(), used.audioSeconds(), latency, used.cost(), at, failed);
        CallLog.call(log, entry, outcome, prices.currency());
        count(entry, outcome);
        return ledger.record(entry)
                .onErrorResume(e -> {
                    log.warn("Could not record an AI call in the cost ledger: {}", e.toString());
                    return Mono.empty();
                });
    }

    private void count(CostEntry e, String outcome) {
        String stage = e.stage().id();
        meters.counter("enrich.ai.calls", "stage", stage, "model", e.model(), "kind", CallLog.kind(e.kind()),
                "outcome", outcome).increment();
        if (e.inputTokens() > 0) {
            meters.counter("enrich.ai.tokens", "stage", stage, "model", e.model(), "type", "input")
                    .increment(e.inputTokens());
        }
        if (e.outputTokens() > 0) {
            meters.counter("enrich.ai.tokens", "stage", stage, "model", e.model(), "type", "output")
                    .increment(e.outputTokens());
        }
        if (e.audioSeconds() > 0) {
            meters.counter("enrich.ai.audio.seconds", "stage", stage, "model", e.model()).increment(e.audioSeconds());
        }
        meters.counter("enrich.ai.cost", "stage", stage, "model", e.model(), "currency", prices.currency())
                .increment(e.cost().doubleValue());
    }

    private void refused(AiCall call, CostEntry.Kind kind, AiException e) {
        if (e.kind() == AiException.Kind.BUDGET_EXHAUSTED) {
            meters.counter("enrich.ai.budget.refusals", "stage", call.stage().id()).increment();
        }
        CallLog.refused(log, call, kind, e);
    }

    private static String outcome(Throwable e) {
        return e instanceof AiException ai && ai.kind() == AiException.Kind.TRANSIENT ? "transient_error" : "error";
    }

    /** Hold what one call used. */
    private record Used(String model, long inputTokens, long outputTokens, double audioSeconds, BigDecimal cost) {

        static Used failed(String model) {
            return new Used(model, 0, 0, 0, BigDecimal.ZERO.setScale(PriceTable.SCALE));
        }
    }
}
