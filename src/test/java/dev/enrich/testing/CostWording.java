package dev.enrich.testing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What cost in front of users looks like, for every test that guards the rule: money words, token counts, currency
 * codes and signs. One definition, so no test forgets a word another one checks.
 */
public final class CostWording {

    private static final String WORDS = "cost|price|pricing|currency|token|budget|billing|\\bspen[dt]\\b|\\bcharges?\\b"
            + "|\\b(?:usd|eur|gbp)\\b|\\d\\s*[€£¥]";

    /** In text a user reads: any currency sign counts. */
    private static final Pattern TEXT = Pattern.compile(WORDS + "|[$€£¥]", Pattern.CASE_INSENSITIVE);

    /** In code (scripts, markup): a sign only next to a number, since {@code ${...}} is JavaScript. */
    private static final Pattern CODE = Pattern.compile(WORDS + "|[$€£¥]\\s*\\d", Pattern.CASE_INSENSITIVE);

    private CostWording() {}

    /** Return each cost word found in user-facing {@code text}, with a little context; empty when clean. */
    public static List<String> in(String text) {
        return find(TEXT, text);
    }

    /** Return each cost word found in {@code code} (page assets, markup), with a little context. */
    public static List<String> inCode(String code) {
        return find(CODE, code);
    }

    private static List<String> find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.results().map(r -> "'" + r.group() + "' in …" + text.substring(Math.max(0, r.start() - 50),
                Math.min(text.length(), r.end() + 50)) + "…").toList();
    }
}
