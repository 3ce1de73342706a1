package dev.enrich;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import reactor.core.publisher.Flux;

/** Keep the tests themselves safe to run under BlockHound. */
@AnalyzeClasses(packages = "dev.enrich", importOptions = ImportOption.OnlyIncludeTests.class)
class TestCodeRulesTest {

    /**
     * A blocking iterator of a flux fed by an event loop shares a {@code ReentrantLock} with it: when the event loop
     * finds the lock held by the reading test, it parks, BlockHound throws inside the lock's acquire, and the waiter
     * it leaves behind never passes the lock on, so the test waits forever (a CI run hung on this). Collect with
     * {@code collectList().block(timeout)} or use StepVerifier instead: their hand-over never parks the producer.
     */
    @ArchTest
    static final ArchRule noBlockingIteratorsOfFluxes = noClasses()
            .should().callMethod(Flux.class, "toIterable")
            .orShould().callMethod(Flux.class, "toIterable", int.class)
            .orShould().callMethod(Flux.class, "toStream")
            .orShould().callMethod(Flux.class, "toStream", int.class)
            .because("an event loop feeding it can park on its lock, which BlockHound turns into a stuck lock");
}
