package dev.enrich.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.util.MultiValueMap;
import org.springframework.http.HttpEntity;

/** Make test media and upload bodies in code; no binary fixtures in the repo. */
public final class Fixtures {

    private Fixtures() {}

    /** Return a 16-bit mono PCM WAV of {@code seconds} of a 440 Hz tone at {@code rate} Hz. */
    public static byte[] wav(double seconds, int rate) {
        int samples = (int) (seconds * rate);
        ByteBuffer data = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            data.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate)));
        }
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        header.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
                .putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        header.put("data".getBytes()).putInt(samples * 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    /** Return a 16-bit mono 8 kHz WAV of exactly {@code totalBytes} bytes (even, at least 44). */
    public static byte[] wavOfSize(int totalBytes) {
        return wav((totalBytes - 44) / 2 / 8000.0, 8000);
    }

    /** Return a small PNG whose pixels depend on {@code seed}. */
    public static byte[] png(int seed) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(32, 24,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(seed);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Return a multipart body with JSON metadata and optional audio. */
    public static MultiValueMap<String, HttpEntity<?>> session(String title, String notes, byte[] audio) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"" + title + "\",\"notes\":\"" + notes + "\"}", MediaType.APPLICATION_JSON);
        if (audio != null) {
            b.part("audio", new ByteArrayResource(audio) {
                @Override
                public String getFilename() {
                    return "audio.wav";
                }
            }, MediaType.parseMediaType("audio/wav"));
        }
        return b.build();
    }
}
