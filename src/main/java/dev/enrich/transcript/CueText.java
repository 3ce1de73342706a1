package dev.enrich.transcript;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turn the lines of a cue into plain text: markup stripped, entities decoded, whitespace collapsed. */
final class CueText {

    /**
     * WebVTT and SRT tags ({@code <v Speaker>}, {@code </i>}, {@code <c.yellow>}, {@code <font color=..>}), inline
     * timestamps ({@code <00:01.500>}) and SSA overrides ({@code {\an8}}). A lone {@code <} in text is kept.
     */
    private static final Pattern MARKUP =
            Pattern.compile("</?[A-Za-z][^<>]*>|</?>|<\\d[\\d:.]*>|\\{\\\\[^{}]*}");

    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});");

    private static final Pattern SPACE = Pattern.compile("\\s+");

    private CueText() {}

    /** Return the cue's lines as one line of text, or an empty string when only markup was there. */
    static String clean(List<String> lines) {
        String joined = MARKUP.matcher(String.join(" ", lines)).replaceAll("");
        return SPACE.matcher(decode(joined)).replaceAll(" ").strip();
    }

    private static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder b = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(entity(m.group(1), m.group())));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static String entity(String name, String original) {
        if (name.startsWith("#")) {
            boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
            int cp = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
            return cp > 0 && Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : original;
        }
        return switch (name) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            case "nbsp" -> " ";
            case "lrm", "rlm" -> "";
            default -> original;
        };
    }
}
