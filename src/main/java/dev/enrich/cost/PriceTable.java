package dev.enrich.cost;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Price AI calls by model: tokens per million, audio per minute. Costs are rounded half-up to {@link #SCALE}
 * decimal places of the currency unit, once per call.
 *
 * <p>A model is found by its exact name, then case-insensitively, then by the longest configured name it starts
 * with followed by {@code -}, {@code :} or {@code @} (providers answer {@code gpt-4o-mini-2024-07-18} when asked
 * for {@code gpt-4o-mini}). An unknown model costs zero and is warned about once.
 */
public final class PriceTable {

    /** Decimal places of a call's cost. */
    public static final int SCALE = 8;

    private static final Logger log = LoggerFactory.getLogger(PriceTable.class);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);
    private static final int MAX_WARNED = 1_000;

    private final String currency;
    private final Map<String, CostProperties.Price> prices;
    private final Map<String, CostProperties.Price> byLowerName = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** Create a table; {@code currency} is the ISO 4217 code all prices are in. */
    public PriceTable(String currency, Map<String, CostProperties.Price> prices) {
        this.currency = currency;
        this.prices = Map.copyOf(prices);
        this.prices.forEach((model, price) -> byLowerName.put(model.toLowerCase(Locale.ROOT), price));
    }

    /** Create the table of the {@code enrich.cost} settings. */
    public static PriceTable of(CostProperties props) {
        return new PriceTable(props.currency(), props.prices() == null ? Map.of() : props.prices());
    }

    /** Return the ISO 4217 currency code. */
    public String currency() {
        return currency;
    }

    /** Return every configured model with its price. */
    public Map<String, CostProperties.Price> prices() {
        return prices;
    }

    /** Return the price of a model, if configured (see the class comment for how names match). */
    public Optional<CostProperties.Price> price(String model) {
        CostProperties.Price exact = prices.get(model);
        if (exact != null) {
            return Optional.of(exact);
        }
        String lower = model.toLowerCase(Locale.ROOT);
        CostProperties.Price ci = byLowerName.get(lower);
        if (ci != null) {
            return Optional.of(ci);
        }
        return byLowerName.entrySet().stream()
                .filter(e -> lower.length() > e.getKey().length() && lower.startsWith(e.getKey())
                        && "-:@".indexOf(lower.charAt(e.getKey().length())) >= 0)
                .max(Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue);
    }

    /** Return the cost of a chat call. */
    public BigDecimal chat(String model, long inputTokens, long outputTokens) {
        return find(model).map(p -> tokens(p, inputTokens, outputTokens)).orElse(zero());
    }

    /** Return the cost of transcribing {@code audioSeconds} of audio. */
    public BigDecimal transcription(String model, double audioSeconds) {
        return find(model).map(p -> audio(p, audioSeconds)).orElse(zero());
    }

    /** Return what a chat call would cost at {@code price}. */
    static BigDecimal tokens(CostProperties.Price price, long inputTokens, long outputTokens) {
        BigDecimal in = price.inputPerMillion().multiply(BigDecimal.valueOf(inputTokens));
        BigDecimal out = price.outputPerMillion().multiply(BigDecimal.valueOf(outputTokens));
        return in.add(out).divide(MILLION).setScale(SCALE, RoundingMode.HALF_UP);
    }

    private static BigDecimal audio(CostProperties.Price price, double audioSeconds) {
        return price.perAudioMinute().multiply(BigDecimal.valueOf(audioSeconds))
                .divide(SIXTY, MathContext.DECIMAL128).setScale(SCALE, RoundingMode.HALF_UP);
    }

    private Optional<CostProperties.Price> find(String model) {
        Optional<CostProperties.Price> price = price(model);
        if (price.isEmpty() && warned.size() < MAX_WARNED && warned.add(model)) {
            log.warn("No price configured for AI model '{}': its calls are recorded at zero cost "
                    + "(set enrich.cost.prices)", model);
        }
        return price;
    }

    private static BigDecimal zero() {
        return BigDecimal.ZERO.setScale(SCALE);
    }
}
