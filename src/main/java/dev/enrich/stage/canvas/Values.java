package dev.enrich.stage.canvas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * Read untyped JSON-ready values defensively: upstream results (and, later, AI output) are untrusted, so a missing,
 * wrongly-typed or non-finite value reads as absent instead of failing.
 */
final class Values {

    private Values() {}

    /** Return a finite number, or empty. */
    static OptionalDouble number(@Nullable Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                return OptionalDouble.of(d);
            }
        }
        return OptionalDouble.empty();
    }

    /** Return a finite number within {@code [min, max]}, or empty when absent or outside. */
    static OptionalDouble number(@Nullable Object value, double min, double max) {
        OptionalDouble d = number(value);
        return d.isPresent() && d.getAsDouble() >= min && d.getAsDouble() <= max ? d : OptionalDouble.empty();
    }

    /** Return a stripped, non-blank string cut to {@code maxLength} characters, or empty. */
    static Optional<String> text(@Nullable Object value, int maxLength) {
        if (!(value instanceof String s)) {
            return Optional.empty();
        }
        String stripped = s.strip();
        if (stripped.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(cut(stripped, maxLength));
    }

    /** Return up to {@code maxItems} usable strings of a list, each cut to {@code maxLength}; never null. */
    static List<String> texts(@Nullable Object value, int maxItems, int maxLength) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (out.size() == maxItems) {
                    break;
                }
                text(item, maxLength).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Return the finite numbers of a list, in order, skipping anything else; never null. */
    static List<Double> numbers(@Nullable Object value) {
        List<Double> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                number(item).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Return the maps of a list, skipping anything else; never null. */
    static List<Map<?, ?>> maps(@Nullable Object value) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> m) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** Return a map value, or an empty map. */
    static Map<?, ?> map(@Nullable Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    /** Return {@code value} rounded to {@code decimals} places. */
    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static String cut(String s, int maxLength) {
        if (s.length() <= maxLength) {
            return s;
        }
        int end = Math.max(0, maxLength - 1);
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end).stripTrailing() + "…";
    }
}
