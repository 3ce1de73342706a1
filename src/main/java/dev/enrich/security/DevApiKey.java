package dev.enrich.security;

import dev.enrich.config.SecurityProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Give a fresh checkout a working key without a shared default secret: a random key, kept in a file only its owner
 * can read and reused on restart. The log names the file, never the key.
 */
final class DevApiKey {

    private static final Logger log = LoggerFactory.getLogger(DevApiKey.class);

    private DevApiKey() {}

    /** Return the key configuration of the development key in {@code settings.file()}, creating the key if needed. */
    static SecurityProperties.ApiKey load(SecurityProperties.DevKey settings) {
        Path file = settings.file().toAbsolutePath();
        String key = readOrCreate(file);
        log.warn("No API keys or JWT issuer configured: using the development key in {} (tenant {}, roles USER and "
                + "ADMIN). Configure enrich.security.api-keys for anything but local use.", file, settings.tenant());
        return new SecurityProperties.ApiKey(ApiKeys.sha256(key), settings.tenant(),
                EnumSet.allOf(SecurityProperties.Role.class), "dev-key");
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (existing.length() >= 32) {
                    return existing;
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = "enrich-dev-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".dev-api-key", ".tmp");
            restrict(tmp);
            Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException raced) {
                Files.delete(tmp);
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep the development API key in " + file, e);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user's profile directory is private already.
        }
    }
}
