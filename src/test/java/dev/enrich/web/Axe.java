package dev.enrich.web;

import dev.enrich.testing.RequiredTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Audit the page in a {@link Browser} with axe-core: its {@code axe.min.js} (npm, installed by
 * {@code npm ci --prefix test-tools/axe}; {@code .ci/run} does it) is injected into the page and run on the whole
 * document. Where it is missing the audit is skipped loudly, and fails on CI ({@code CI} or
 * {@code ENRICH_BROWSER_TESTS=required}).
 */
final class Axe {

    private static final Path INSTALL = Path.of("test-tools/axe");
    private static final Path SCRIPT = INSTALL.resolve("node_modules/axe-core/axe.min.js");
    /** The impacts that fail the audit. */
    private static final List<String> BLOCKING = List.of("serious", "critical");

    private Axe() {
    }

    /**
     * Run axe on the page as it is now and return its serious and critical violations, one line each:
     * {@code rule (impact): target, target...}; every violation (any impact) is written to the test's output.
     */
    static List<String> blockingViolations(Browser browser, String state) {
        RequiredTool.assume(Files.isRegularFile(SCRIPT), "axe-core (npm package)",
                "npm ci --prefix " + INSTALL, "Accessibility audit",
                RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_BROWSER_TESTS")),
                "CI or ENRICH_BROWSER_TESTS=required");
        if (!Boolean.TRUE.equals(browser.script("return typeof window.axe === 'object'"))) {
            browser.script(read(SCRIPT));
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> violations = (List<Map<String, Object>>) ((JavascriptExecutor) browser.driver)
                .executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        axe.run(document, {resultTypes: ['violations']})
                          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,
                            targets: v.nodes.map(n => n.target.join(' ')).join(', ')}))))
                          .catch(e => done([{id: 'axe-error', impact: 'critical', targets: String(e)}]));
                        """);
        List<String> all = violations.stream()
                .map(v -> v.get("id") + " (" + v.get("impact") + "): " + v.get("targets")).toList();
        System.out.println("axe " + state + ": " + all.size() + " violation(s) " + all);
        return all.stream().filter(v -> BLOCKING.stream().anyMatch(impact -> v.contains(" (" + impact + "): ")))
                .toList();
    }

    private static String read(Path script) {
        try {
            return Files.readString(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
