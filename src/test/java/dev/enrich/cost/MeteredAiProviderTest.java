package dev.enrich.cost;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.ChatRequest;
import dev.enrich.backend.memory.InMemoryCostLedger;
import dev.enrich.pipeline.StageName;
import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.testing.LogCapture;
import dev.enrich.testing.MutableClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class MeteredAiProviderTest {

    static final Map<String, CostProperties.Price> PRICES = Map.of(
            "big", new CostProperties.Price(new BigDecimal("2.50"), new BigDecimal("10.00"), BigDecimal.ZERO),
            "small", new CostProperties.Price(new BigDecimal("0.15"), new BigDecimal("0.60"), BigDecimal.ZERO),
            "whisper-1", new CostProperties.Price(BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("0.006")));
    static final ModelNames MODELS = new ModelNames("whisper-1", Map.of(ChatRequest.Task.SUMMARY, "big"));
    static final ChatRequest SUMMARY = new ChatRequest(ChatRequest.Task.SUMMARY,
            List.of(ChatRequest.Message.of("user", "Summarize: we shipped it.")), true, 200);

    final MutableClock clock = MutableClock.at("2025-01-30T10:00:00Z");
    final InMemoryCostLedger ledger = new InMemoryCostLedger(1_000, 1_000, 400);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final PriceTable prices = new PriceTable("USD", PRICES);

    MeteredAiProvider metered(FixedAiProvider fake, CostProperties.Budgets budgets) {
        return new MeteredAiProvider(fake, MODELS, prices, new Budgets(budgets, ledger, clock), ledger, meters,
                clock);
    }

    MeteredAiProvider metered(FixedAiProvider fake) {
        return metered(fake, CostProperties.Budgets.defaults());
    }

    static AiCall call(String tenant) {
        return new AiCall(tenant, "s1", "j1", StageName.SUMMARY);
    }

    List<CostEntry> entries() {
        return ledger.since(Instant.EPOCH).collectList().block();
    }

    @Test
    void recordsAPricedEntryForEachChatCall() {
        MeteredAiProvider ai = metered(FixedAiProvider.chat("big-2024-08-06", 1_000, 500));
        StepVerifier.create(ai.chat(call("acme"), SUMMARY))
                .assertNext(r -> assertThat(r.content()).isEqualTo("{\"title\":\"Standup\"}"))
                .verifyComplete();
        assertThat(entries()).singleElement().satisfies(e -> {
            assertThat(e.tenant()).isEqualTo("acme");
            assertThat(e.sessionId()).isEqualTo("s1");
            assertThat(e.jobId()).isEqualTo("j1");
            assertThat(e.stage()).isEqualTo(StageName.SUMMARY);
            assertThat(e.model()).isEqualTo("big-2024-08-06");
            assertThat(e.kind()).isEqualTo(CostEntry.Kind.CHAT);
            assertThat(e.inputTokens()).isEqualTo(1_000);
            assertThat(e.outputTokens()).isEqualTo(500);
            // 1,000 × 2.50 / 1M + 500 × 10.00 / 1M
            assertThat(e.cost()).isEqualByComparingTo("0.0075");
            assertThat(e.at()).isEqualTo(clock.instant());
            assertThat(e.failed()).isFalse();
        });
    }

    @Test
    void pricesTranscriptionsByAudioMinutesOfTheConfiguredModel() {
        MeteredAiProvider ai = metered(FixedAiProvider.audio(90));
        StepVerifier.create(ai.transcribe(new AiCall("acme", "s1", "j1", StageName.AUDIO), Path.of("chunk.wav"), 30))
                .assertNext(t -> assertThat(t.segments().get(0).start()).isEqualTo(30))
                .verifyComplete();
        assertThat(entries()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(CostEntry.Kind.TRANSCRIPTION);
            assertThat(e.model()).isEqualTo("whisper-1");
            assertThat(e.audioSeconds()).isEqualTo(90);
            assertThat(e.cost()).isEqualByComparingTo("0.009");
        });
        assertThat(meters.get("enrich.ai.audio.seconds").tags("stage", "audio", "model", "whisper-1").counter()
                .count()).isEqualTo(90);
    }

    @Test
    void recordsFailuresAtZeroCostAndPassesTheErrorOn() {
        AiException boom = new AiException(AiException.Kind.TRANSIENT, "503 from provider", null, null);
        MeteredAiProvider ai = metered(FixedAiProvider.chat("big", 1, 1).failing(boom));
        StepVerifier.create(ai.chat(call("acme"), SUMMARY)).verifyErrorMatches(e -> e == boom);
        assertThat(entries()).singleElement().satisfies(e -> {
            assertThat(e.failed()).isTrue();
            assertThat(e.cost()).isZero();
            assertThat(e.model()).isEqualTo("big");
        });
        assertThat(meters.get("enrich.ai.calls").tags("stage", "summary", "model", "big", "kind", "chat",
                "outcome", "transient_error").counter().count()).isEqualTo(1);
    }

    @Test
    void recordsACancelledCallOnce() {
        MeteredAiProvider ai = metered(FixedAiProvider.chat("big", 1, 1).hanging());
        // StepVerifier would cancel inside onSubscribe, before the call starts; cancel a running call instead
        ai.chat(call("acme"), SUMMARY).subscribe().dispose();
        assertThat(entries()).singleElement().satisfies(e -> assertThat(e.failed()).isTrue());
        assertThat(meters.get("enrich.ai.calls").tags("outcome", "cancelled").counter().count()).isEqualTo(1);
    }

    @Test
    void countsCallsTokensAndCostByStageAndModelButNeverByTenantOrSession() {
        MeteredAiProvider ai = metered(FixedAiProvider.chat("big", 1_000, 500));
        ai.chat(call("acme"), SUMMARY).block();
        ai.chat(new AiCall("beta", "s2", "j2", StageName.SUMMARY), SUMMARY).block();
        assertThat(meters.get("enrich.ai.calls").tags("stage", "summary", "model", "big", "outcome", "ok")
                .counter().count()).isEqualTo(2);
        assertThat(meters.get("enrich.ai.tokens").tags("type", "input").counter().count()).isEqualTo(2_000);
        assertThat(meters.get("enrich.ai.tokens").tags("type", "output").counter().count()).isEqualTo(1_000);
        assertThat(meters.get("enrich.ai.cost").tags("currency", "USD").counter().count()).isEqualTo(0.015);
        assertThat(meters.getMeters()).flatExtracting(m -> m.getId().getTags())
                .extracting(t -> t.getKey()).doesNotContain("tenant", "session", "job");
        assertThat(meters.getMeters()).extracting(Meter::getId).isNotEmpty();
    }

    @Test
    void logsOneStructuredLinePerCallWithoutSecrets() {
        String secret = "sk-live-abcdefghijklmnopqrstuvwxyz123456";
        try (LogCapture logs = new LogCapture(MeteredAiProvider.class)) {
            // within what was reserved (36 prompt tokens at most, 200 completion tokens): no overrun line
            metered(FixedAiProvider.chat("big", 30, 200)).chat(call("acme"), SUMMARY).block();
            AiException denied = new AiException(AiException.Kind.PERMANENT,
                    "401 invalid api key " + secret + " (Authorization: Bearer " + secret + ")", null, null);
            StepVerifier.create(metered(FixedAiProvider.chat("big", 1, 1).failing(denied))
                    .chat(call("acme"), SUMMARY)).verifyError(AiException.class);

            assertThat(logs.lines()).hasSize(2);
            assertThat(logs.lines().get(0)).startsWith("AI call tenant=acme session=s1 job=j1 stage=summary "
                            + "kind=chat model=big outcome=ok inputTokens=30 outputTokens=200 audioSeconds=0.0 "
                            + "latencyMs=")
                    .endsWith(" cost=0.00207500 currency=USD");
            assertThat(logs.lines().get(1)).contains("outcome=error", "cost=0.00000000");
            assertThat(logs.events().get(0).getKeyValuePairs()).extracting(kv -> kv.key)
                    .containsExactly("tenant", "session", "job", "stage", "kind", "model", "outcome", "inputTokens",
                            "outputTokens", "audioSeconds", "latencyMs", "cost", "currency");
            for (ILoggingEvent e : logs.events()) {
                assertThat(e.getFormattedMessage()).doesNotContainIgnoringCase("sk-")
                        .doesNotContainIgnoringCase("bearer").doesNotContainIgnoringCase("api key");
                assertThat(e.getThrowableProxy()).isNull();
                assertThat(String.valueOf(e.getKeyValuePairs())).doesNotContain(secret);
            }
        }
    }

    @Test
    void keepsProviderSuppliedModelNamesSafeForLogsAndTags() {
        MeteredAiProvider ai = metered(FixedAiProvider.chat("evil\nmodel tenant=x", 1, 1));
        ai.chat(call("acme"), SUMMARY).block();
        assertThat(entries()).singleElement().extracting(CostEntry::model).isEqualTo("evil_model_tenant_x");
    }

    @Test
    void letsCallsThroughBelowTheBudgetAndRefusesTheCallAfterTheLimitWithoutCallingTheProvider() {
        FixedAiProvider fake = FixedAiProvider.chat("big", 1_000, 500); // 0.0075 per call
        MeteredAiProvider ai = metered(fake, new CostProperties.Budgets(new BigDecimal("0.01"), BigDecimal.TEN,
                null));
        ai.chat(call("acme"), SUMMARY).block();
        ai.chat(call("acme"), SUMMARY).block(); // 0.0075 < 0.01 when it starts; spend is now 0.015
        StepVerifier.create(ai.chat(call("acme"), SUMMARY))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(AiException.class)
                        .satisfies(x -> assertThat(((AiException) x).kind())
                                .isEqualTo(AiException.Kind.BUDGET_EXHAUSTED))
                        .hasMessageNotContaining("0.01").hasMessageNotContaining("USD"));
        assertThat(fake.calls).hasValue(2);
        assertThat(entries()).hasSize(2);
        assertThat(meters.get("enrich.ai.budget.refusals").counter().count()).isEqualTo(1);
        // other tenants have their own budget
        StepVerifier.create(ai.chat(call("beta"), SUMMARY)).expectNextCount(1).verifyComplete();
    }

    @Test
    void appliesPerTenantOverridesAndInheritsWhatTheyLeaveOut() {
        FixedAiProvider fake = FixedAiProvider.chat("big", 1_000, 500);
        CostProperties.Budgets budgets = new CostProperties.Budgets(new BigDecimal("0.01"), BigDecimal.TEN,
                Map.of("vip", new CostProperties.TenantLimits(new BigDecimal("1.00"), null),
                        "off", new CostProperties.TenantLimits(BigDecimal.ZERO, null)));
        MeteredAiProvider ai = metered(fake, budgets);
        for (int i = 0; i < 5; i++) {
            ai.chat(call("vip"), SUMMARY).block();
        }
        StepVerifier.create(ai.chat(call("off"), SUMMARY)).verifyError(AiException.class);
        assertThat(fake.calls).hasValue(5);
        Budgets b = new Budgets(budgets, ledger, clock);
        assertThat(b.limits("vip")).isEqualTo(new Budgets.Limits(new BigDecimal("1.00"), BigDecimal.TEN));
        assertThat(b.limits("anyone")).isEqualTo(new Budgets.Limits(new BigDecimal("0.01"), BigDecimal.TEN));
    }

    @Test
    void resetsTheDailyBudgetOnANewUtcDayAndTheMonthlyOnANewMonth() {
        FixedAiProvider fake = FixedAiProvider.chat("big", 1_000, 500); // 0.0075 per call
        MeteredAiProvider ai = metered(fake, new CostProperties.Budgets(new BigDecimal("0.0075"),
                new BigDecimal("0.015"), null));
        ai.chat(call("acme"), SUMMARY).block();
        StepVerifier.create(ai.chat(call("acme"), SUMMARY)).verifyError(AiException.class);

        clock.set("2025-01-31T00:00:00Z");
        ai.chat(call("acme"), SUMMARY).block(); // a new day: month spend is now 0.015
        clock.advance(Duration.ofDays(0).plusHours(23));
        StepVerifier.create(ai.chat(call("acme"), SUMMARY)).verifyError(AiException.class);

        clock.set("2025-02-01T00:00:00Z"); // new day, but the monthly limit held until the month changed
        StepVerifier.create(ai.chat(call("acme"), SUMMARY)).expectNextCount(1).verifyComplete();
        assertThat(fake.calls).hasValue(3);
    }

    @Test
    void stopsOnTheMonthlyLimitEvenWithDailyBudgetLeft() {
        FixedAiProvider fake = FixedAiProvider.chat("big", 1_000, 500);
        MeteredAiProvider ai = metered(fake, new CostProperties.Budgets(BigDecimal.ONE, new BigDecimal("0.0075"),
                null));
        ai.chat(call("acme"), SUMMARY).block();
        clock.set("2025-01-31T12:00:00Z");
        StepVerifier.create(ai.chat(call("acme"), SUMMARY))
                .verifyErrorSatisfies(e -> assertThat(e).hasMessageContaining("monthly"));
        assertThat(fake.calls).hasValue(1);
        assertThat(Budgets.PAUSED_MESSAGE).isEqualTo("AI features are paused for now — basic enrichment was used");
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** Return what the metering reserves for one {@link #SUMMARY} call on the model "big". */
    BigDecimal summaryReservation() {
        return prices.chat("big", CallEstimate.inputTokens(SUMMARY), SUMMARY.maxOutputTokens());
    }

    @Test
    void startsNoCallThatCouldPassTheBudgetEvenWithSpendLeft() {
        BigDecimal reserve = summaryReservation();
        // an honest call uses all it may: the prompt bound and every allowed completion token
        FixedAiProvider fake = FixedAiProvider.chat("big", CallEstimate.inputTokens(SUMMARY),
                SUMMARY.maxOutputTokens());
        MeteredAiProvider ai = metered(fake, new CostProperties.Budgets(
                reserve.multiply(new BigDecimal("1.5")), BigDecimal.TEN, null));
        StepVerifier.create(ai.chat(call("acme"), SUMMARY)).expectNextCount(1).verifyComplete();
        // half a call's worth is left: not enough for the next one
        StepVerifier.create(ai.chat(call("acme"), SUMMARY)).verifyErrorSatisfies(e -> assertThat(
                ((AiException) e).kind()).isEqualTo(AiException.Kind.BUDGET_EXHAUSTED));
        assertThat(fake.calls).hasValue(1);
        assertThat(ledger.total("acme", today(), today()).block()).isEqualByComparingTo(reserve);
    }

    @Test
    void concurrentCallsOfOneTenantReserveAtomicallyAndNeverPassTheBudgetTogether() {
        BigDecimal reserve = summaryReservation();
        Sinks.Empty<Void> answer = Sinks.empty();
        FixedAiProvider fake = FixedAiProvider.chat("big", CallEstimate.inputTokens(SUMMARY),
                SUMMARY.maxOutputTokens()).gatedBy(answer.asMono());
        BigDecimal budget = reserve.multiply(new BigDecimal("4.5")); // room for four calls, not five
        MeteredAiProvider ai = metered(fake, new CostProperties.Budgets(budget, BigDecimal.TEN, null));

        List<String> outcomes = new CopyOnWriteArrayList<>();
        Scheduler callers = Schedulers.newParallel("budget-callers", 4, true);
        Disposable calls = Flux.range(0, 10)
                .flatMap(i -> ai.chat(call("acme"), SUMMARY).map(r -> "ok")
                        .onErrorResume(AiException.class, e -> Mono.just(e.kind().name()))
                        .subscribeOn(callers))
                .doFinally(signal -> callers.dispose())
                .subscribe(outcomes::add);
        // the refused calls end at once; the four held ones wait for their answer
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 6);
        assertThat(outcomes).containsOnly("BUDGET_EXHAUSTED");
        assertThat(fake.calls).hasValue(4);

        answer.tryEmitEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 10);
        assertThat(outcomes).filteredOn("ok"::equals).hasSize(4);
        assertThat(ledger.total("acme", today(), today()).block()).isLessThanOrEqualTo(budget)
                .isEqualByComparingTo(reserve.multiply(BigDecimal.valueOf(4)));
        assertThat(meters.get("enrich.ai.budget.refusals").counter().count()).isEqualTo(6);
        calls.dispose();
    }

    @Test
    void releasesTheReservationOfAFailedOrCancelledCall() {
        BigDecimal reserve = summaryReservation();
        FixedAiProvider fake = FixedAiProvider.chat("big", 1, 1);
        CostProperties.Budgets oneCall = new CostProperties.Budgets(reserve, BigDecimal.TEN, null);

        Sinks.Empty<Void> never = Sinks.empty();
        MeteredAiProvider hanging = metered(FixedAiProvider.chat("big", 1, 1).gatedBy(never.asMono()), oneCall);
        Disposable running = hanging.chat(call("acme"), SUMMARY).subscribe();
        // while it runs, its reservation takes the whole budget
        StepVerifier.create(metered(fake, oneCall).chat(call("acme"), SUMMARY)).verifyError(AiException.class);
        running.dispose();

        AiException boom = new AiException(AiException.Kind.TRANSIENT, "503 from provider", null, null);
        StepVerifier.create(metered(FixedAiProvider.chat("big", 1, 1).failing(boom), oneCall)
                .chat(call("acme"), SUMMARY)).verifyErrorMatches(e -> e == boom);

        StepVerifier.create(metered(fake, oneCall).chat(call("acme"), SUMMARY)).expectNextCount(1).verifyComplete();
        assertThat(fake.calls).hasValue(1);
        // the cancelled and the failed call are recorded once each, at zero cost
        assertThat(entries()).extracting(CostEntry::failed).containsExactlyInAnyOrder(true, true, false);
    }

    @Test
    void settlesAndRecordsAnOverrunOfAProviderIgnoringMaxTokensThenRefusesTheNextCalls() {
        FixedAiProvider greedy = FixedAiProvider.chat("big", 1_000, 1_000_000); // 10.0025, max_tokens was 200
        MeteredAiProvider ai = metered(greedy, new CostProperties.Budgets(new BigDecimal("0.50"), BigDecimal.TEN,
                null));
        try (LogCapture logs = new LogCapture(MeteredAiProvider.class)) {
            StepVerifier.create(ai.chat(call("acme"), SUMMARY)).expectNextCount(1).verifyComplete();
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("AI call cost more than reserved tenant=acme session=s1 job=j1 stage=summary "
                            + "kind=chat model=big reserved=" + summaryReservation().toPlainString())
                    .endsWith(" cost=10.00250000 currency=USD"));
        }
        assertThat(ledger.total("acme", today(), today()).block()).isEqualByComparingTo("10.0025");
        assertThat(meters.get("enrich.ai.budget.overruns").tags("stage", "summary", "model", "big").counter()
                .count()).isEqualTo(1);
        StepVerifier.create(ai.chat(call("acme"), SUMMARY)).verifyErrorSatisfies(e -> assertThat(
                ((AiException) e).kind()).isEqualTo(AiException.Kind.BUDGET_EXHAUSTED));
        assertThat(greedy.calls).hasValue(1);
    }

    @Test
    void reservesTranscriptionsByTheAudioDurationInTheWavHeader(@TempDir Path dir) throws IOException {
        Path wav = WavFixtures.write(dir.resolve("chunk.wav"), WavFixtures.Format.mono16(8000), 90,
                WavFixtures.silence());
        FixedAiProvider fake = FixedAiProvider.audio(90); // 90 s at 0.006 a minute: 0.009
        MeteredAiProvider ai = metered(fake, new CostProperties.Budgets(new BigDecimal("0.0089"), BigDecimal.TEN,
                null));
        AiCall audio = new AiCall("acme", "s1", "j1", StageName.AUDIO);
        StepVerifier.create(ai.transcribe(audio, wav, 0)).verifyError(AiException.class);
        assertThat(fake.calls).hasValue(0);

        MeteredAiProvider enough = metered(fake, new CostProperties.Budgets(new BigDecimal("0.009"), BigDecimal.TEN,
                null));
        StepVerifier.create(enough.transcribe(audio, wav, 0)).expectNextCount(1).verifyComplete();
        assertThat(fake.calls).hasValue(1);
    }

    @Test
    void boundsThePromptFromAboveByItsUtf8BytesFramingAndImageTiles() {
        ChatRequest text = new ChatRequest(ChatRequest.Task.SUMMARY, List.of(ChatRequest.Message.of("system", "ab"),
                ChatRequest.Message.of("user", "é€")), false, 10);
        // 3 to prime the reply; per message 4 + role + text bytes: (4 + 6 + 2) + (4 + 4 + 5)
        assertThat(CallEstimate.inputTokens(text)).isEqualTo(3 + 12 + 13);
        assertThat(CallEstimate.tiles(png(512, 288))).isEqualTo(1);
        assertThat(CallEstimate.tiles(png(512, 1200))).isEqualTo(3);
        assertThat(CallEstimate.tiles(png(4000, 4000))).isEqualTo(4); // 2048² then 768²
        assertThat(CallEstimate.tiles(new byte[] {1, 2, 3})).isEqualTo(CallEstimate.MAX_TILES);
    }

    private static byte[] png(int width, int height) {
        byte[] header = new byte[24];
        byte[] ihdr = {'I', 'H', 'D', 'R'};
        System.arraycopy(ihdr, 0, header, 12, 4);
        java.nio.ByteBuffer.wrap(header, 16, 8).putInt(width).putInt(height);
        return header;
    }
}
