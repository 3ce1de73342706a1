package dev.enrich.client.internal;

import dev.enrich.client.EnrichClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Read and write the API's JSON. Lenient where a newer service may say more: unknown properties are ignored and
 * unknown enum values read as each enum's {@code UNKNOWN}.
 */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private Json() {}

    /** Read {@code bytes} as a {@code type}; fails with {@link EnrichClientException} when they are not one. */
    static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (JacksonException e) {
            throw unreadable(type.getSimpleName(), e);
        }
    }

    /** Read {@code text} as a tree. */
    static JsonNode tree(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw unreadable("event", e);
        }
    }

    /** Convert a tree to a {@code type}. */
    static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JacksonException e) {
            throw unreadable(type.getSimpleName(), e);
        }
    }

    /** Convert a tree to a generic {@code type}. */
    static <T> T convert(JsonNode node, TypeReference<T> type) {
        try {
            return MAPPER.readValue(MAPPER.treeAsTokens(node), type);
        } catch (JacksonException e) {
            throw unreadable(type.getType().getTypeName(), e);
        }
    }

    /** Write {@code value} as JSON text. */
    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    private static EnrichClientException unreadable(String what, JacksonException e) {
        return new EnrichClientException("Could not read the service's answer as " + what + ": "
                + e.getOriginalMessage(), e);
    }
}
