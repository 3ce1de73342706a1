package dev.enrich.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Build the SHA-256 fingerprints that tell whether a retry carries the same request as the first attempt. */
final class Fingerprint {

    private Fingerprint() {}

    /** Return a new SHA-256 digest. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Add {@code text} to {@code digest}, its length first, so that no two sequences of texts digest alike. */
    static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).flip());
        digest.update(bytes);
    }

    /** Return the fingerprint of a request with a JSON body: its request line and its canonical JSON. */
    static String json(String requestLine, byte[] canonicalJson) {
        MessageDigest digest = sha256();
        update(digest, requestLine);
        digest.update(canonicalJson);
        return hex(digest.digest());
    }

    /** Return {@code digest} in lower-case hex. */
    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
