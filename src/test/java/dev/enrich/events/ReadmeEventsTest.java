package dev.enrich.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keep the README's "Events" paragraph true: the event names it lists are exactly the {@link EventType} values, in
 * their order, and the fields of {@code data:} it names are exactly those {@link JobEvent} writes.
 */
class ReadmeEventsTest {

    private static final Pattern CODE = Pattern.compile("`([a-zA-Z]+)`");

    @Test
    void readmeListsEveryEventNameAndNoOther() throws IOException {
        String names = between(events(), "Named SSE events ", ";");

        assertThat(codes(names)).containsExactlyElementsOf(Arrays.stream(EventType.values()).map(EventType::id)
                .toList());
    }

    @Test
    void readmeNamesEveryFieldOfAnEventsData() throws IOException {
        String fields = between(events(), "`data:` is JSON", "Reconnect with");

        List<String> written = Arrays.stream(JobEvent.class.getRecordComponents())
                .filter(c -> c.getAccessor().getAnnotation(JsonIgnore.class) == null && !c.isAnnotationPresent(
                        JsonIgnore.class))
                .map(java.lang.reflect.RecordComponent::getName).toList();
        assertThat(written).doesNotContain("tenant");
        assertThat(codes(fields)).containsAll(written);
    }

    // The paragraph of the README's HTTP API section that starts with "**Events.**".
    private static String events() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("**Events.**");
        assertThat(start).as("the README's **Events.** paragraph").isNotNegative();
        int end = readme.indexOf("\n\n", start);
        return readme.substring(start, end < 0 ? readme.length() : end).replace('\n', ' ');
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as("'%s' in: %s", from, text).isNotNegative();
        int end = text.indexOf(to, start + from.length());
        assertThat(end).as("'%s' after '%s' in: %s", to, from, text).isPositive();
        return text.substring(start + from.length(), end);
    }

    private static List<String> codes(String text) {
        Matcher m = CODE.matcher(text);
        return m.results().map(r -> r.group(1)).toList();
    }
}
