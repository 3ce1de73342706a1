package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.engine.EnrichException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;

/** The Idempotency-Key header: an sf-string or a bare token, 1 to 255 characters, sent once. */
class IdempotencyKeyTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "8e03978e-40d5-43e8-bc93-6894a57f9324|8e03978e-40d5-43e8-bc93-6894a57f9324",
            "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"|8e03978e-40d5-43e8-bc93-6894a57f9324",
            "  \"order 7\"  |order 7",
            "\"say \\\"hi\\\" \\\\ bye\"|say \"hi\" \\ bye",
            "urn:order/7*|urn:order/7*"})
    void readsAStringOrAToken(String header, String key) {
        assertThat(IdempotencyKey.of(headers(header))).contains(key);
    }

    @Test
    void noHeaderIsNoKey() {
        assertThat(IdempotencyKey.of(new HttpHeaders())).isEmpty();
    }

    @Test
    void takesUpTo255Characters() {
        assertThat(IdempotencyKey.of(headers("k".repeat(255)))).contains("k".repeat(255));
        assertThat(IdempotencyKey.of(headers("\"" + "k".repeat(255) + "\""))).contains("k".repeat(255));
        assertMalformed(headers("k".repeat(256)));
        assertMalformed(headers("\"" + "k".repeat(256) + "\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "\"\"", "\"open", "\"a\"b", "\"a\";p=1", "\"tab\there\"", "\"bad\\n\"",
            "two words", "a,b", "caf\u00e9", "\"caf\u00e9\""})
    void refusesWhatIsNotOneKey(String header) {
        assertMalformed(headers(header));
    }

    @Test
    void refusesTwoKeys() {
        HttpHeaders headers = new HttpHeaders();
        headers.add(IdempotencyKey.HEADER, "one");
        headers.add(IdempotencyKey.HEADER, "two");
        assertMalformed(headers);
    }

    private static HttpHeaders headers(String value) {
        HttpHeaders headers = new HttpHeaders();
        headers.add(IdempotencyKey.HEADER, value);
        return headers;
    }

    private static void assertMalformed(HttpHeaders headers) {
        assertThatThrownBy(() -> IdempotencyKey.of(headers)).isInstanceOf(EnrichException.class)
                .hasMessage(IdempotencyKey.MALFORMED)
                .extracting(e -> ((EnrichException) e).kind()).isEqualTo(EnrichException.Kind.INVALID);
    }
}
