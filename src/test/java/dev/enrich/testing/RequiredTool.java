package dev.enrich.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Skip tests loudly when a system tool they need (Chromium, espeak-ng) is missing: the skip reason names the exact
 * command that installs it, and one WARN line per tool goes to the build's console (the process's own stderr,
 * which surefire shows even though it redirects test output to files). Where the tool is required the test fails.
 */
public final class RequiredTool {

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private RequiredTool() {}

    /**
     * Go on when {@code present}; otherwise fail if {@code required}, else warn once and abort the test.
     *
     * @param tool what is missing, e.g. {@code "espeak-ng"}
     * @param install the exact command that installs it
     * @param tests which tests are skipped, e.g. {@code "RealSpeechTest"}
     * @param howToRequire how to make the skip a failure
     */
    public static void assume(boolean present, String tool, String install, String tests, boolean required,
            String howToRequire) {
        if (present) {
            return;
        }
        String reason = tests + " skipped: " + tool + " is not installed. Install it with: " + install;
        if (required) {
            fail(tests + " cannot run: " + tool + " is not installed and it is required here (" + howToRequire
                    + "). Install it with: " + install);
        }
        if (WARNED.add(tool)) {
            @SuppressWarnings("resource") // the process's stderr stays open
            PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
                    StandardCharsets.UTF_8);
            console.println("[WARN] " + reason + " (with " + howToRequire + " this fails instead)");
        }
        Assumptions.abort(reason);
    }

    /** Return true on CI ({@code CI} set). */
    public static boolean onCi() {
        return System.getenv("CI") != null;
    }
}
