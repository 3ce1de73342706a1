package dev.enrich.session;

/** Name chapter thumbnails: the derived file the video stage writes and the API path that serves it. */
public final class Thumbnails {

    private Thumbnails() {}

    /** Return the derived file name of a chapter's thumbnail in the MediaStore, e.g. {@code thumbnail-0.png}. */
    public static String fileName(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, but was " + index);
        }
        return "thumbnail-" + index + ".png";
    }

    /** Return the URL path serving a chapter's thumbnail, e.g. {@code /api/v1/sessions/s1/thumbnails/0}. */
    public static String path(String sessionId, int index) {
        return "/api/v1/sessions/" + sessionId + "/thumbnails/" + index;
    }
}
