package dev.enrich.ai;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Write OpenAI request bodies and read OpenAI replies with the application's {@link JsonMapper}; a reply that does not
 * fit is a PERMANENT failure.
 */
final class OpenAiWire {

    static final String CHAT = "AI chat";
    static final String TRANSCRIPTION = "AI transcription";

    private final JsonMapper json;

    OpenAiWire(JsonMapper json) {
        this.json = json;
    }

    /**
     * Return the {@code /chat/completions} body. Text-only messages carry their content as a string, which every
     * OpenAI-compatible server accepts; messages with images use the content-part array.
     */
    String chatBody(String model, ChatRequest request) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (ChatRequest.Message message : request.messages()) {
            ObjectNode m = messages.addObject();
            m.put("role", message.role());
            if (message.pngImages().isEmpty()) {
                m.put("content", message.text());
                continue;
            }
            ArrayNode content = m.putArray("content");
            content.addObject().put("type", "text").put("text", message.text());
            for (byte[] png : message.pngImages()) {
                content.addObject().put("type", "image_url").putObject("image_url")
                        .put("url", "data:image/png;base64," + Base64.getEncoder().encodeToString(png));
            }
        }
        if (request.json()) {
            body.putObject("response_format").put("type", "json_object");
        }
        body.put("max_tokens", request.maxOutputTokens());
        return json.writeValueAsString(body);
    }

    /** Read a {@code /chat/completions} reply. */
    ChatReply parseChat(String body, String requestedModel) {
        JsonNode root = parse(CHAT, body);
        JsonNode content = root.path("choices").path(0).path("message").path("content");
        if (!content.isString()) {
            throw AiErrors.malformed(CHAT, "no choices[0].message.content", null);
        }
        JsonNode usage = root.path("usage");
        JsonNode model = root.path("model");
        return new ChatReply(content.stringValue(), model.isString() ? model.stringValue() : requestedModel,
                count(usage.path("prompt_tokens")), count(usage.path("completion_tokens")));
    }

    /**
     * Read a {@code verbose_json} transcription; plain {@code json} replies (text only) are accepted too.
     *
     * @param offsetSeconds added to every segment time
     * @param headerSeconds the file's duration from its header, used when the reply does not say; negative = unknown
     */
    Transcription parseTranscription(String body, double offsetSeconds, double headerSeconds) {
        JsonNode root = parse(TRANSCRIPTION, body);
        JsonNode text = root.path("text");
        if (!text.isString()) {
            throw AiErrors.malformed(TRANSCRIPTION, "no text", null);
        }
        List<Transcription.Segment> segments = new ArrayList<>();
        for (JsonNode s : root.path("segments")) {
            JsonNode start = s.path("start");
            JsonNode end = s.path("end");
            JsonNode segmentText = s.path("text");
            if (!start.isNumber() || !end.isNumber() || !segmentText.isString()) {
                throw AiErrors.malformed(TRANSCRIPTION, "segment without start, end and text", null);
            }
            double from = offsetSeconds + start.asDouble();
            double to = offsetSeconds + Math.max(start.asDouble(), end.asDouble());
            segments.add(new Transcription.Segment(millis(from), millis(to), segmentText.stringValue().trim()));
        }
        JsonNode duration = root.path("duration");
        double seconds = duration.isNumber() ? duration.asDouble() : Math.max(headerSeconds, 0);
        return new Transcription(text.stringValue().trim(), segments, seconds);
    }

    /** Return the {@code error.message} of an error reply, or an empty string when it has none. */
    String errorDetail(String body) {
        try {
            JsonNode message = json.readTree(body).path("error").path("message");
            return message.isString() ? message.stringValue() : "";
        } catch (JacksonException notJson) {
            return "";
        }
    }

    private JsonNode parse(String operation, String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw AiErrors.malformed(operation, "not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw AiErrors.malformed(operation, "not a JSON object", null);
        }
        return root;
    }

    private static long count(JsonNode node) {
        return node.isNumber() ? Math.max(0, node.asLong()) : 0;
    }

    private static double millis(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
