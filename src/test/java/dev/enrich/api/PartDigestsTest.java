package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.Part;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;

/**
 * A multipart request's fingerprint: the same whether the upload read its parts to the end, in part or not at all,
 * whether parts sat in memory or in spool files, and in whatever order of names; another file name or byte changes it.
 */
class PartDigestsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LINE = "POST /api/v1/sessions";

    @TempDir
    Path spool;

    private final DefaultPartHttpMessageReader reader = new DefaultPartHttpMessageReader();
    private final byte[] audio = new byte[300_000]; // over the reader's in-memory size below: spooled to a file

    {
        new Random(7).nextBytes(audio);
    }

    @Test
    void theFingerprintIsTheSameHoweverMuchOfThePartsWasRead() throws IOException {
        byte[] request = multipart("metadata", "audio", "talk.wav", audio);
        String unread = PartDigests.of(parts(request)).fingerprint(LINE).block(WAIT);

        PartDigests fully = PartDigests.of(parts(request));
        fully.parts().forEach((name, list) -> list.forEach(p -> drain(p.content())));
        PartDigests partly = PartDigests.of(parts(request));
        partly.parts().forEach((name, list) -> list.forEach(p -> drain(p.content().take(1))));

        assertThat(fully.fingerprint(LINE).block(WAIT)).isEqualTo(unread);
        assertThat(partly.fingerprint(LINE).block(WAIT)).isEqualTo(unread);
        assertThat(unread).hasSize(64);
        try (var files = Files.list(spool)) {
            assertThat(files).as("the audio part was spooled, not held in memory").isNotEmpty();
        }
    }

    @Test
    void theOrderOfNamesDoesNotMatterButNamesFileNamesAndBytesDo() {
        String print = fingerprint(multipart("metadata", "audio", "talk.wav", audio));

        assertThat(fingerprint(multipart("audio", "metadata", "talk.wav", audio))).isEqualTo(print);
        assertThat(fingerprint(multipart("metadata", "audio", "other.wav", audio))).isNotEqualTo(print);
        assertThat(fingerprint(multipart("metadata", "video", "talk.wav", audio))).isNotEqualTo(print);
        byte[] changed = audio.clone();
        changed[changed.length - 1] ^= 1;
        assertThat(fingerprint(multipart("metadata", "audio", "talk.wav", changed))).isNotEqualTo(print);
        assertThat(PartDigests.of(parts(multipart("metadata", "audio", "talk.wav", audio)))
                .fingerprint("POST /elsewhere").block(WAIT)).isNotEqualTo(print);
    }

    private String fingerprint(byte[] request) {
        return PartDigests.of(parts(request)).fingerprint(LINE).block(WAIT);
    }

    @BeforeEach
    void reader() throws IOException {
        reader.setMaxInMemorySize(64 * 1024);
        reader.setFileStorageDirectory(spool);
    }

    private MultiValueMap<String, Part> parts(byte[] body) {
        MockServerHttpRequest request = MockServerHttpRequest.post("/api/v1/sessions")
                .contentType(HeldBodies.MULTIPART)
                .body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
        return reader.read(ResolvableType.forClass(Part.class), request, Map.of())
                .collect(LinkedMultiValueMap<String, Part>::new, (map, part) -> map.add(part.name(), part))
                .block(WAIT);
    }

    // Two parts in the given order: a JSON field and a file.
    private static byte[] multipart(String first, String second, String filename, byte[] bytes) {
        String b = HeldBodies.BOUNDARY;
        String metadata = "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"title\":\"Standup\"}\r\n";
        String fileName = first.equals("metadata") ? second : first;
        String fileHead = "--" + b + "\r\nContent-Disposition: form-data; name=\"" + fileName + "\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (first.equals("metadata")) {
            out.writeBytes(metadata.getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(fileHead.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        if (!first.equals("metadata")) {
            out.writeBytes(metadata.getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + b + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void drain(Flux<DataBuffer> content) {
        content.doOnNext(DataBufferUtils::release).then().block(WAIT);
    }
}
