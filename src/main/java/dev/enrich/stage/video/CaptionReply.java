package dev.enrich.stage.video;

import dev.enrich.stage.ai.AiText;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Read a vision model's untrusted {@code {"captions": [...]}} reply object (see {@link AiText#readObject}) into clean,
 * capped caption strings.
 */
final class CaptionReply {

    static final int MAX_CAPTION_CHARS = 200;

    private CaptionReply() {}

    /**
     * Return one caption per image, in order: on one line, without control characters, at most
     * {@link #MAX_CAPTION_CHARS} long, possibly empty. Extra captions are ignored.
     *
     * @throws AiText.InvalidReply when the reply has no captions array or fewer than {@code expected} captions
     */
    static List<String> parse(JsonNode reply, int expected) {
        JsonNode captions = reply.path("captions");
        if (!captions.isArray()) {
            throw new AiText.InvalidReply("no captions array");
        }
        if (captions.size() < expected) {
            throw new AiText.InvalidReply(captions.size() + " captions for " + expected + " images");
        }
        List<String> out = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            JsonNode caption = captions.get(i);
            if (!caption.isString()) {
                throw new AiText.InvalidReply("caption " + i + " is not a string");
            }
            out.add(AiText.clean(caption.stringValue(), MAX_CAPTION_CHARS, false).orElse(""));
        }
        return out;
    }
}
