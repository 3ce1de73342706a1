package dev.enrich.stage;

/** Tidy text that came from an AI service before it goes into a result: it is untrusted input. */
public final class UntrustedText {

    private UntrustedText() {}

    /**
     * Return {@code text} on one line: control characters turned into spaces, format characters removed, runs of
     * white space collapsed, trimmed, and cut to at most {@code maxChars} (ending with "…" when cut).
     */
    public static String line(String text, int maxChars) {
        String line = text.replaceAll("\\p{Cc}", " ").replaceAll("\\p{Cf}", "").replaceAll("\\s+", " ").strip();
        return line.length() <= maxChars ? line : line.substring(0, maxChars - 1).strip() + "…";
    }
}
