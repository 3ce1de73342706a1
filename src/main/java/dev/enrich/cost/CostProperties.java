package dev.enrich.cost;

import static dev.enrich.config.Settings.require;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bind and validate the {@code enrich.cost.*} settings: prices per model, budgets per tenant, ledger bounds.
 *
 * <p>Model names are map keys; write names containing dots in brackets, e.g.
 * {@code enrich.cost.prices.[llama3.1:8b].input-per-million=0}. When no price is configured at all,
 * {@link #EXAMPLE_PRICES} apply: they are <b>examples only</b>, not anybody's current price list — configure your
 * provider's real prices. Configuring any price replaces all examples.
 *
 * @param currency ISO 4217 code of all prices and budgets, default {@code USD}
 * @param prices price per model; absent or empty means {@link #EXAMPLE_PRICES}
 * @param budgets spend limits per tenant
 * @param ledger how much the ledger keeps (in memory or in Redis)
 * @param hints thresholds of the optimisation hints
 */
@ConfigurationProperties("enrich.cost")
public record CostProperties(
        @DefaultValue("USD") String currency,
        @Nullable Map<String, Price> prices,
        @DefaultValue Budgets budgets,
        @DefaultValue Ledger ledger,
        @DefaultValue Hints hints) {

    /**
     * EXAMPLE prices (placeholders in the shape of public list prices, per 1M tokens / per audio minute); replace
     * them with your provider's prices. Models not listed cost zero and are warned about once.
     */
    public static final Map<String, Price> EXAMPLE_PRICES = Map.of(
            "gpt-4o-mini", new Price(new BigDecimal("0.15"), new BigDecimal("0.60"), BigDecimal.ZERO),
            "gpt-4o", new Price(new BigDecimal("2.50"), new BigDecimal("10.00"), BigDecimal.ZERO),
            "whisper-1", new Price(BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("0.006")));

    public CostProperties {
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("enrich.cost.currency must be an ISO 4217 code, but was " + currency);
        }
        prices = prices == null || prices.isEmpty() ? EXAMPLE_PRICES : Map.copyOf(new LinkedHashMap<>(prices));
        for (String model : prices.keySet()) {
            require(!model.isBlank(), "enrich.cost.prices model names must not be blank");
        }
    }

    /** Return the settings with defaults: example prices, default budgets and bounds. */
    public static CostProperties defaults() {
        return new CostProperties("USD", null, Budgets.defaults(), Ledger.defaults(), Hints.defaults());
    }

    /**
     * Price one model.
     *
     * @param inputPerMillion price of 1,000,000 prompt tokens
     * @param outputPerMillion price of 1,000,000 completion tokens
     * @param perAudioMinute price of one minute of transcribed audio
     */
    public record Price(
            @DefaultValue("0") BigDecimal inputPerMillion,
            @DefaultValue("0") BigDecimal outputPerMillion,
            @DefaultValue("0") BigDecimal perAudioMinute) {

        public Price {
            requireNotNegative("input-per-million", inputPerMillion);
            requireNotNegative("output-per-million", outputPerMillion);
            requireNotNegative("per-audio-minute", perAudioMinute);
        }

        /** Return true when this model is priced by tokens (a chat model). */
        public boolean tokenPriced() {
            return inputPerMillion.signum() > 0 || outputPerMillion.signum() > 0;
        }
    }

    /**
     * Limit what tenants may spend on AI per UTC day and month; reaching a limit pauses AI for the tenant.
     *
     * @param daily the default daily limit of every tenant (example: 10.00); 0 turns AI off
     * @param monthly the default monthly limit of every tenant (example: 200.00); 0 turns AI off
     * @param tenants per-tenant overrides; a limit left out inherits the default
     */
    public record Budgets(
            @DefaultValue("10.00") BigDecimal daily,
            @DefaultValue("200.00") BigDecimal monthly,
            @Nullable Map<String, TenantLimits> tenants) {

        public Budgets {
            requireNotNegative("budgets.daily", daily);
            requireNotNegative("budgets.monthly", monthly);
            tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        }

        static Budgets defaults() {
            return new Budgets(new BigDecimal("10.00"), new BigDecimal("200.00"), null);
        }
    }

    /**
     * Override one tenant's limits.
     *
     * @param daily the tenant's daily limit; {@code null} inherits the default
     * @param monthly the tenant's monthly limit; {@code null} inherits the default
     */
    public record TenantLimits(@Nullable BigDecimal daily, @Nullable BigDecimal monthly) {

        public TenantLimits {
            if (daily != null) {
                requireNotNegative("budgets.tenants.*.daily", daily);
            }
            if (monthly != null) {
                requireNotNegative("budgets.tenants.*.monthly", monthly);
            }
        }
    }

    /**
     * Bound the ledger, in memory or in Redis (where days and sessions expire by TTL).
     *
     * @param maxEntries raw call entries kept (oldest dropped first)
     * @param maxSessions session totals kept (least recently charged dropped first)
     * @param retainDays days of daily buckets kept; at least 62 so budgets always see the whole month
     */
    public record Ledger(
            @DefaultValue("10000") int maxEntries,
            @DefaultValue("10000") int maxSessions,
            @DefaultValue("400") int retainDays) {

        public Ledger {
            require(maxEntries > 0, "enrich.cost.ledger.max-entries must be > 0, but was " + maxEntries);
            require(maxSessions > 0, "enrich.cost.ledger.max-sessions must be > 0, but was " + maxSessions);
            require(retainDays >= 62, "enrich.cost.ledger.retain-days must be >= 62, but was " + retainDays);
        }

        static Ledger defaults() {
            return new Ledger(10_000, 10_000, 400);
        }
    }

    /**
     * Tune the optimisation hints.
     *
     * @param smallOutputTokens chat calls whose replies average at most this many tokens might do with a smaller
     *     model
     * @param minCalls the fewest calls (or sessions, per window) a hint is based on
     */
    public record Hints(@DefaultValue("64") int smallOutputTokens, @DefaultValue("5") int minCalls) {

        public Hints {
            require(smallOutputTokens > 0, "enrich.cost.hints.small-output-tokens must be > 0, but was "
                    + smallOutputTokens);
            require(minCalls > 0, "enrich.cost.hints.min-calls must be > 0, but was " + minCalls);
        }

        static Hints defaults() {
            return new Hints(64, 5);
        }
    }

    private static void requireNotNegative(String name, BigDecimal value) {
        require(value.signum() >= 0, "enrich.cost." + name + " must be >= 0, but was " + value.toPlainString());
    }
}
