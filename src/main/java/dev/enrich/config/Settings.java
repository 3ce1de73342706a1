package dev.enrich.config;

/** Check settings as they are bound, so a bad value stops start-up with a message that says what was wrong. */
public final class Settings {

    private Settings() {}

    /** Throw {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
