package dev.enrich.stage.summary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cut text into content words: lower-case runs of letters and digits (inner apostrophes kept, possessive {@code 's}
 * dropped), without stopwords (the {@code stopwords.txt} resource), single letters or bare numbers; and fold simple
 * English plurals ({@code bugs} → {@code bug}, {@code priorities} → {@code priority}).
 */
final class Terms {

    private static final Set<String> STOPWORDS = load("stopwords.txt");

    private Terms() {}

    /** Return the content words of {@code text} in order, lower-case but not folded. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            int start = i;
            boolean letter = false;
            while (i < n) {
                int cp = text.codePointAt(i);
                if (Character.isLetterOrDigit(cp)) {
                    letter |= Character.isLetter(cp);
                    i += Character.charCount(cp);
                } else if (isApostrophe(cp) && i + 1 < n && Character.isLetter(text.codePointAt(i + 1))) {
                    i++;
                } else {
                    break;
                }
            }
            if (letter && i - start > 1) {
                String word = text.substring(start, i).replace('\u2019', '\'').toLowerCase(Locale.ROOT);
                if (word.endsWith("'s") && !STOPWORDS.contains(word)) {
                    word = word.substring(0, word.length() - 2);
                }
                if (word.length() > 1 && !STOPWORDS.contains(word)) {
                    out.add(word);
                }
            }
        }
        return out;
    }

    /** Return the singular of a simple English plural, or the word itself. */
    static String fold(String word) {
        int n = word.length();
        if (n > 4 && word.endsWith("ies")) {
            return word.substring(0, n - 3) + "y";
        }
        if (n > 4 && (word.endsWith("sses") || word.endsWith("ches") || word.endsWith("shes") || word.endsWith("xes"))) {
            return word.substring(0, n - 2);
        }
        if (n > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")
                && !word.endsWith("'s")) {
            return word.substring(0, n - 1);
        }
        return word;
    }

    private static boolean isApostrophe(int cp) {
        return cp == '\'' || cp == '\u2019';
    }

    private static Set<String> load(String resource) {
        Set<String> words = new HashSet<>();
        try (InputStream in = Terms.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " next to " + Terms.class.getName());
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
