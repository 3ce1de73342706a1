package dev.enrich.stage.canvas;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Format numbers, times and dates for people, and coordinates for SVG. Locale-independent. */
final class Format {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private Format() {}

    /** Return a clock position such as {@code 4:05} or {@code 1:02:03}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? h + ":" + two(m) + ":" + two(sec) : m + ":" + two(sec);
    }

    /** Return a duration such as {@code 45 s}, {@code 12 min 5 s} or {@code 1 h 2 min}. */
    static String duration(double seconds) {
        if (seconds < 10) {
            return decimal(seconds) + " s";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s";
        }
        long minutes = (s % 3600) / 60;
        return minutes == 0 ? s / 3600 + " h" : s / 3600 + " h " + minutes + " min";
    }

    /** Return a ratio as a percentage such as {@code 72%} or {@code 0.4%}. */
    static String percent(double ratio) {
        double p = ratio * 100;
        return (p >= 10 || p == 0 ? String.valueOf(Math.round(p)) : decimal(p)) + "%";
    }

    /** Return an instant as a readable UTC date, e.g. {@code 2 January 2026, 03:04 UTC}. */
    static String date(Instant instant) {
        return DATE.format(instant);
    }

    /** Return {@code value} with at most one decimal and no exponent, e.g. {@code -23.5} or {@code 120}. */
    static String decimal(double value) {
        long tenths = Math.round(value * 10);
        long whole = Math.abs(tenths) / 10;
        long tenth = Math.abs(tenths) % 10;
        String sign = tenths < 0 ? "-" : "";
        return tenth == 0 ? sign + whole : sign + whole + "." + tenth;
    }

    private static String two(long n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }
}
