package dev.enrich.stage.video;

import dev.enrich.ai.AiException;
import dev.enrich.stage.UntrustedText;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Read a vision model's untrusted {@code {"captions": [...]}} reply into clean, capped caption strings. */
final class CaptionReply {

    static final int MAX_CAPTION_CHARS = 200;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CaptionReply() {}

    /**
     * Return one caption per image, in order: on one line, without control characters, at most
     * {@link #MAX_CAPTION_CHARS} long, possibly empty. Extra captions are ignored.
     *
     * @throws AiException (PERMANENT) when the reply is not such an object or has fewer than {@code expected}
     *     captions
     */
    static List<String> parse(String content, int expected) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            throw invalid("not JSON (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode captions = root == null ? null : root.path("captions");
        if (captions == null || !captions.isArray()) {
            throw invalid("no captions array");
        }
        if (captions.size() < expected) {
            throw invalid(captions.size() + " captions for " + expected + " images");
        }
        List<String> out = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            JsonNode caption = captions.get(i);
            if (!caption.isString()) {
                throw invalid("caption " + i + " is not a string");
            }
            out.add(UntrustedText.line(caption.stringValue(), MAX_CAPTION_CHARS));
        }
        return out;
    }

    private static AiException invalid(String what) {
        return new AiException(AiException.Kind.PERMANENT, "AI captions: invalid reply, " + what, null, null);
    }
}
