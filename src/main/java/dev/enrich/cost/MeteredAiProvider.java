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
import reactor.core.scheduler.Schedulers;

/**
 * Meter any {@link AiProvider}: reserve each call's most expensive outcome in the tenant's budget and refuse the call
 * when the budget does not cover it (the delegate is not called), then time the call, price it, settle its
 * reservation in the {@link CostLedger} with the real cost, log one structured line and count it in Micrometer.
 *
 * <p>The reservation of a chat call is the price of its prompt bounded from above ({@link CallEstimate}) plus
 * {@link ChatRequest#maxOutputTokens()} completion tokens, which the provider is asked not to exceed; of a
 * transcription, the price of the audio's duration rounded up to whole seconds. A reply that used more than reserved
 * is settled at its real cost, logged and counted as an overrun; the budget then refuses the next calls.
 *
 * <p>Failed and cancelled calls are recorded and counted at zero cost, releasing their reservation; each call is
 * settled exactly once. Metrics: {@code enrich.ai.calls} (tags stage, model, kind, outcome), {@code enrich.ai.tokens}
 * (stage, model, type=input|output), {@code enrich.ai.audio.seconds} (stage, model), {@code enrich.ai.cost} (stage,
 * model, currency), {@code enrich.ai.budget.refusals} (stage) and {@code enrich.ai.budget.overruns} (stage, model).
 * No tenant or session tags: they are unbounded. Cost appears only in the
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

    /** Close the decorated provider. */
    @Override
    public void close() {
        delegate.close();
    }

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
        // Reading the WAV header is blocking file I/O: keep it off the event loops.
        Mono<BigDecimal> estimate = Mono.fromCallable(() -> prices.transcription(model, CallEstimate.audioSeconds(wav)))
                .subscribeOn(Schedulers.boundedElastic());
        return metered(call, CostEntry.Kind.TRANSCRIPTION, model, estimate,
                () -> delegate.transcribe(call, wav, offsetSeconds), t -> {
                    double seconds = Double.isFinite(t.audioSeconds()) ? Math.max(0, t.audioSeconds()) : 0;
                    return new Used(model, 0, 0, seconds, prices.transcription(model, seconds));
                });
    }

    @Override
    public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
        String planned = CallLog.cleanModel(models.chat(request.task()));
        Mono<BigDecimal> estimate = Mono.fromSupplier(() -> prices.chat(planned, CallEstimate.inputTokens(request),
                request.maxOutputTokens()));
        return metered(call, CostEntry.Kind.CHAT, planned, estimate, () -> delegate.chat(call, request), r -> {
            String model = CallLog.cleanModel(r.model());
            long in = Math.max(0, r.inputTokens());
            long out = Math.max(0, r.outputTokens());
            return new Used(model, in, out, 0, prices.chat(model, in, out));
        });
    }

    private <T> Mono<T> metered(AiCall call, CostEntry.Kind kind, String plannedModel, Mono<BigDecimal> estimate,
            Supplier<Mono<T>> send, Function<T, Used> measure) {
        return Mono.defer(() -> {
            Instant at = clock.instant();
            return estimate.flatMap(amount -> budgets.reserve(call.tenant(), amount, at))
                    .onErrorMap(e -> !(e instanceof AiException),
                            e -> new AiException(AiException.Kind.TRANSIENT, "AI budget check failed", null, e))
                    .doOnError(AiException.class, e -> refused(call, kind, e))
                    .flatMap(reservation -> {
                        // The reservation is the call's resource: settled on success, on failure (then the error
                        // goes on) and on cancellation, which Reactor subscribes to itself; deferred, so a delegate
                        // throwing instead of signalling still settles it.
                        return Mono.usingWhen(Mono.just(new Settlement(call, kind, reservation, at)),
                                settlement -> Mono.defer(send).flatMap(reply ->
                                        settlement.settle(measure.apply(reply), "ok").thenReturn(reply)),
                                settlement -> Mono.empty(),
                                (settlement, e) -> settlement.settle(Used.failed(plannedModel), outcome(e)),
                                settlement -> settlement.settle(Used.failed(plannedModel), "cancelled"));
                    });
        });
    }

    /** Settle one call's reservation exactly once, whichever of success, failure and cancellation comes first. */
    private final class Settlement {

        private final AiCall call;
        private final CostEntry.Kind kind;
        private final Reservation.Held reservation;
        private final Instant at;
        private final long start = System.nanoTime();
        private final AtomicBoolean settled = new AtomicBoolean();

        Settlement(AiCall call, CostEntry.Kind kind, Reservation.Held reservation, Instant at) {
            this.call = call;
            this.kind = kind;
            this.reservation = reservation;
            this.at = at;
        }

        Mono<Void> settle(Used used, String outcome) {
            if (!settled.compareAndSet(false, true)) {
                return Mono.empty();
            }
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            boolean failed = !"ok".equals(outcome);
            CostEntry entry = new CostEntry(call.tenant(), call.sessionId(), call.jobId(), call.stage(),
                    used.model(), kind, used.inputTokens(), used.outputTokens(), used.audioSeconds(), latency,
                    used.cost(), at, failed);
            CallLog.call(log, entry, outcome, prices.currency());
            count(entry, outcome);
            if (entry.cost().compareTo(reservation.amount()) > 0) {
                overrun(entry, reservation.amount());
            }
            return ledger.settle(reservation, entry)
                    .onErrorResume(e -> {
                        log.warn("Could not settle an AI call in the cost ledger: {}", e.toString());
                        return Mono.empty();
                    });
        }
    }

    private void overrun(CostEntry e, BigDecimal reserved) {
        meters.counter("enrich.ai.budget.overruns", "stage", e.stage().id(), "model", e.model()).increment();
        CallLog.overrun(log, e, reserved, prices.currency());
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
