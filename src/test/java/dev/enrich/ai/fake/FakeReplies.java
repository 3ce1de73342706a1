package dev.enrich.ai.fake;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Make plausible OpenAI reply bodies from what a request carried. */
final class FakeReplies {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Seconds of audio per transcript segment. */
    static final double SEGMENT_SECONDS = 4.0;

    private static final String[] WORDS = ("we reviewed the release plan and agreed to ship the beta next week "
            + "the team will update the onboarding guide and fix the login timeout before the demo").split(" ");

    private static final Set<String> STOP = Set.of("this", "that", "with", "from", "have", "will", "were", "what",
            "when", "your", "about", "there", "their", "they", "them", "then", "than", "into", "also", "just",
            "json", "object", "keys", "return", "title", "summary", "highlights", "actionitems", "keywords");

    private FakeReplies() {}

    /** Return the duration of a PCM WAV, or 0 when the bytes are not one. */
    static double wavSeconds(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            return 0;
        }
        long byteRate = 0;
        int position = 12;
        while (position + 8 <= wav.length) {
            int id = b.getInt(position);
            long size = Integer.toUnsignedLong(b.getInt(position + 4));
            if (id == 0x20746d66 && position + 20 <= wav.length) {
                byteRate = Integer.toUnsignedLong(b.getInt(position + 16));
            } else if (id == 0x61746164) {
                long bytes = Math.min(size, wav.length - position - 8L);
                return byteRate == 0 ? 0 : (double) bytes / byteRate;
            }
            position += (int) (8 + size + (size & 1));
        }
        return 0;
    }

    /** Return a {@code verbose_json} transcription of {@code seconds} of audio, one segment per few seconds. */
    static ObjectNode transcription(double seconds, Random random) {
        ObjectNode body = JSON.createObjectNode();
        body.put("task", "transcribe").put("language", "english").put("duration", round(seconds));
        ArrayNode segments = body.putArray("segments");
        List<String> texts = new ArrayList<>();
        int count = (int) Math.ceil(seconds / SEGMENT_SECONDS);
        for (int i = 0; i < count; i++) {
            String text = " " + sentence(random, 5 + random.nextInt(5));
            texts.add(text.trim());
            segments.addObject().put("id", i).put("seek", 0).put("start", round(i * SEGMENT_SECONDS))
                    .put("end", round(Math.min(seconds, (i + 1) * SEGMENT_SECONDS))).put("text", text)
                    .put("temperature", 0.0).put("avg_logprob", -0.25).put("compression_ratio", 1.3)
                    .put("no_speech_prob", 0.01);
        }
        body.put("text", String.join(" ", texts));
        body.putObject("usage").put("type", "duration").put("seconds", (long) Math.ceil(seconds));
        return body;
    }

    /** Return a {@code chat.completion} answering {@code request}. */
    static ObjectNode chat(JsonNode request, long id) {
        StringBuilder prompt = new StringBuilder();
        StringBuilder user = new StringBuilder();
        int images = 0;
        for (JsonNode message : request.path("messages")) {
            boolean fromUser = "user".equals(message.path("role").asString(""));
            JsonNode content = message.path("content");
            if (content.isString()) {
                prompt.append(content.stringValue()).append('\n');
                if (fromUser) {
                    user.append(content.stringValue()).append('\n');
                }
            }
            for (JsonNode part : content) {
                if ("image_url".equals(part.path("type").asString(""))) {
                    images++;
                } else if (part.path("text").isString()) {
                    prompt.append(part.path("text").stringValue()).append('\n');
                    if (fromUser) {
                        user.append(part.path("text").stringValue()).append('\n');
                    }
                }
            }
        }
        boolean json = "json_object".equals(request.path("response_format").path("type").asString(""));
        // Answer the shape the prompt asks for: captions for images, a narrative, or a summary of the user text.
        String asked = prompt.toString();
        String text = user.length() > 0 ? user.toString() : asked;
        String content;
        if (json && images > 0) {
            ObjectNode captions = JSON.createObjectNode();
            ArrayNode list = captions.putArray("captions");
            for (int i = 0; i < images; i++) {
                list.add(caption(text, 1).replace("A screen", "Frame " + (i + 1) + ": a screen"));
            }
            content = JSON.writeValueAsString(captions);
        } else if (json && asked.contains("\"narrative\"")) {
            content = JSON.writeValueAsString(JSON.createObjectNode()
                    .put("narrative", "The session covered " + String.join(", ", keywords(text, 3))
                            + ". The team agreed on next steps."));
        } else if (json) {
            content = JSON.writeValueAsString(structured(text));
        } else {
            content = images > 0 ? caption(text, images) : firstWords(text, 40);
        }
        String model = request.path("model").asString("unknown");
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-fake-" + id).put("object", "chat.completion").put("created", 1_700_000_000L)
                .put("model", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).putObject("message").put("role", "assistant").put("content", content);
        choice.put("finish_reason", "stop");
        long promptTokens = tokens(prompt.toString()) + 85L * images;
        long completionTokens = tokens(content);
        body.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return body;
    }

    /**
     * Replace the usage of a chat reply: the request's prompt bytes as prompt tokens, and {@code completionTokens}
     * (negative: the request's {@code max_tokens}).
     */
    static ObjectNode withUsage(ObjectNode reply, JsonNode request, long completionTokens) {
        long prompt = promptBytes(request);
        long completion = completionTokens >= 0 ? completionTokens : request.path("max_tokens").asLong(0);
        reply.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        return reply;
    }

    /** Return the UTF-8 bytes of every text of the request's messages: the most tokens a tokenizer can make. */
    static long promptBytes(JsonNode request) {
        long bytes = 0;
        for (JsonNode message : request.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isString()) {
                bytes += content.stringValue().getBytes(StandardCharsets.UTF_8).length;
            }
            for (JsonNode part : content) {
                if (part.path("text").isString()) {
                    bytes += part.path("text").stringValue().getBytes(StandardCharsets.UTF_8).length;
                }
            }
        }
        return bytes;
    }

    /** Return the model list. */
    static ObjectNode models() {
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String model : List.of("whisper-1", "gpt-4o-mini", "gpt-4o")) {
            data.addObject().put("id", model).put("object", "model").put("created", 1_700_000_000L)
                    .put("owned_by", "enrich-fake");
        }
        return body;
    }

    /** Return an OpenAI-style error body. */
    static ObjectNode error(String message, String type, String code) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).put("param", (String) null)
                .put("code", code);
        return body;
    }

    private static ObjectNode structured(String prompt) {
        List<String> keywords = keywords(prompt, 5);
        List<String> sentences = Arrays.stream(prompt.split("(?<=[.!?])\\s+|\\n+"))
                .map(String::trim).filter(s -> s.split("\\s+").length >= 4).toList();
        ObjectNode body = JSON.createObjectNode();
        body.put("title", keywords.isEmpty() ? "Session notes"
                : "Session on " + String.join(" and ", keywords.subList(0, Math.min(2, keywords.size()))));
        body.put("summary", firstWords(prompt, 30));
        ArrayNode highlights = body.putArray("highlights");
        sentences.stream().limit(3).forEach(highlights::add);
        ArrayNode actions = body.putArray("actionItems");
        sentences.stream().filter(s -> s.toLowerCase(Locale.ROOT).matches(".*\\b(will|should|must|need|todo)\\b.*"))
                .limit(3).forEach(actions::add);
        if (actions.isEmpty() && !keywords.isEmpty()) {
            actions.add("Follow up on " + keywords.get(0));
        }
        ArrayNode keywordArray = body.putArray("keywords");
        keywords.forEach(keywordArray::add);
        return body;
    }

    private static String caption(String prompt, int images) {
        List<String> keywords = keywords(prompt, 3);
        return "A screen" + (images > 1 ? " sequence of " + images + " frames" : "") + " showing "
                + (keywords.isEmpty() ? "an application window" : String.join(", ", keywords)) + ".";
    }

    private static List<String> keywords(String text, int limit) {
        Map<String, Long> counts = Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+"))
                .filter(w -> w.length() >= 4 && !STOP.contains(w))
                .collect(Collectors.groupingBy(w -> w, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit).map(Map.Entry::getKey).toList();
    }

    private static String firstWords(String text, int limit) {
        String[] words = text.trim().split("\\s+");
        String joined = String.join(" ", Arrays.copyOf(words, Math.min(limit, words.length))).trim();
        return joined.isEmpty() ? "Nothing to summarize." : joined;
    }

    private static String sentence(Random random, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            s.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
        }
        return s.append('.').toString();
    }

    private static long tokens(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? 0 : Math.max(1, Math.round(trimmed.split("\\s+").length * 4 / 3.0));
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
