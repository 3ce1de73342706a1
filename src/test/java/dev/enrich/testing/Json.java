package dev.enrich.testing;

import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Turn values into the JSON trees users see, for tests that assert on the wire shape by key. */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {}

    /** Return the mapper tests hand to code that takes the application's {@code JsonMapper}: Jackson's defaults. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** Return {@code value} as a JSON object, read into a map. */
    public static Map<String, Object> map(Object value) {
        return MAPPER.convertValue(value, new TypeReference<Map<String, Object>>() {});
    }
}
