package dev.enrich.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Copy list components: a list left out of the JSON arrives as null and becomes empty. */
final class Lists {

    private Lists() {}

    /** Return an unmodifiable copy, empty for null; throws NullPointerException on null elements. */
    static <T> List<T> copy(@Nullable List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
