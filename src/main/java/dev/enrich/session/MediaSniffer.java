package dev.enrich.session;

import java.util.Optional;

/**
 * Recognise media by content (magic bytes), never by file name, and say in a friendly way what is wrong.
 */
public final class MediaSniffer {

    /** The bytes {@link #check} needs at most. */
    public static final int HEAD = 16;

    private MediaSniffer() {}

    /**
     * Say what is wrong with the first bytes of a part of kind {@code kind}.
     *
     * @param head up to {@link #HEAD} first bytes
     * @param length the part's total size
     * @return empty when the content is a supported format, else the problem
     */
    public static Optional<Problem> check(MediaKind kind, byte[] head, long length) {
        if (length == 0) {
            return Optional.of(new Problem(false, "The " + noun(kind) + " file is empty."));
        }
        String format = format(head);
        boolean ok = switch (kind) {
            case AUDIO -> format.equals("wav");
            case VIDEO -> format.equals("mp4");
            case FRAMES -> format.equals("png") || format.equals("jpeg");
        };
        if (ok) {
            return Optional.empty();
        }
        String hint = switch (kind) {
            case AUDIO -> "This audio format isn't supported yet — please upload WAV.";
            case VIDEO -> "This video format isn't supported yet — please upload MP4 (H.264) or screenshots.";
            case FRAMES -> "Screenshots must be PNG or JPEG images.";
        };
        return Optional.of(new Problem(true, hint));
    }

    /** Return a short name of the format the bytes start with, or {@code "unknown"}. */
    public static String format(byte[] h) {
        if (starts(h, 0, "RIFF") && starts(h, 8, "WAVE")) {
            return "wav";
        }
        if (starts(h, 4, "ftyp")) {
            return "mp4";
        }
        if (h.length >= 8 && (h[0] & 0xff) == 0x89 && starts(h, 1, "PNG")) {
            return "png";
        }
        if (h.length >= 3 && (h[0] & 0xff) == 0xff && (h[1] & 0xff) == 0xd8 && (h[2] & 0xff) == 0xff) {
            return "jpeg";
        }
        return "unknown";
    }

    private static boolean starts(byte[] h, int offset, String ascii) {
        if (h.length < offset + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (h[offset + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String noun(MediaKind kind) {
        return switch (kind) {
            case AUDIO -> "audio";
            case VIDEO -> "video";
            case FRAMES -> "screenshot";
        };
    }

    /**
     * Describe why a part was refused.
     *
     * @param unsupported true for a format we don't take (415), false for content we can't use (422)
     * @param detail friendly text for the caller
     */
    public record Problem(boolean unsupported, String detail) {}
}
