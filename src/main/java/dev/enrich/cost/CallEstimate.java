package dev.enrich.cost;

import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.WavHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bound from above what an AI call may use, before it starts, so its cost can be reserved: prompt tokens of a chat
 * request and seconds of audio of a transcription.
 */
final class CallEstimate {

    /** Tokens the chat format adds around each message. */
    static final int TOKENS_PER_MESSAGE = 4;
    /** Tokens that prime the reply. */
    static final int TOKENS_PER_REPLY = 3;
    /** Tokens of an image, base and per 512-pixel tile: the highest rates published (OpenAI's, gpt-4o-mini). */
    static final long IMAGE_BASE_TOKENS = 2_833;
    static final long IMAGE_TILE_TOKENS = 5_667;
    /** Tiles of the largest image after the provider's downscaling (768 × 2048 pixels). */
    static final int MAX_TILES = 8;
    /** The lowest byte rate of a WAV we send (8 kHz, 8-bit, mono): bounds a file whose header cannot be read. */
    static final int MIN_WAV_BYTES_PER_SECOND = 8_000;

    private CallEstimate() {}

    /**
     * Return the most prompt tokens {@code request} can count as: every UTF-8 byte of text as one token (a byte-level
     * tokenizer never makes more), the chat format's framing, and each image at its tile count.
     */
    static long inputTokens(ChatRequest request) {
        long tokens = TOKENS_PER_REPLY;
        for (ChatRequest.Message m : request.messages()) {
            tokens += TOKENS_PER_MESSAGE + m.role().getBytes(StandardCharsets.UTF_8).length
                    + m.text().getBytes(StandardCharsets.UTF_8).length;
            for (byte[] png : m.pngImages()) {
                tokens += IMAGE_BASE_TOKENS + IMAGE_TILE_TOKENS * tiles(png);
            }
        }
        return tokens;
    }

    /**
     * Return the 512-pixel tiles a PNG is billed as: scaled to fit 2048 × 2048, then its shorter side to at most 768
     * pixels; {@link #MAX_TILES} when its header cannot be read.
     */
    static int tiles(byte[] png) {
        if (png.length < 24 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            return MAX_TILES;
        }
        double width = readInt(png, 16);
        double height = readInt(png, 20);
        if (width <= 0 || height <= 0) {
            return MAX_TILES;
        }
        double fit = Math.min(1, 2048 / Math.max(width, height));
        width *= fit;
        height *= fit;
        double shorter = Math.min(1, 768 / Math.min(width, height));
        width *= shorter;
        height *= shorter;
        return (int) Math.min(MAX_TILES, Math.ceil(width / 512) * Math.ceil(height / 512));
    }

    /**
     * Return the whole seconds of audio in {@code wav} (blocking I/O): its header's duration, rounded up; the file
     * size at the lowest byte rate when the header cannot be read; 0 when the file cannot be read (it cannot be
     * sent either).
     */
    static double audioSeconds(Path wav) {
        try {
            double seconds = WavHeader.seconds(wav);
            return Math.ceil(seconds >= 0 ? seconds : (double) Files.size(wav) / MIN_WAV_BYTES_PER_SECOND);
        } catch (IOException unreadable) {
            return 0;
        }
    }

    private static long readInt(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }
}
